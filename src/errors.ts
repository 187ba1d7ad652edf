/** Base class of every error mtlgrad throws on purpose; `instanceof MtlgradError` catches them all. */
export class MtlgradError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit the operation: `matmul: [2,3] @ [4,5]: inner dimensions 3 and 4 differ`. */
export class ShapeError extends MtlgradError {}

/** Mixed or unsupported dtypes (float32 with float64 without a cast). */
export class DTypeError extends MtlgradError {}

/** A misuse of the autograd engine: backward on a non-scalar without a seed, a freed graph. */
export class AutogradError extends MtlgradError {}

/** A bad argument value: a label out of range, a NaN where a number is required, a bad option. */
export class ValueError extends MtlgradError {}

/** A corrupt or untrusted file that failed validation (safetensors, tables). */
export class FormatError extends MtlgradError {}

/** Formats a shape for messages: [2,3]. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * mtlgrad: multi-task learning on the CPU in pure TypeScript.
 * This entry point is browser-safe (no Node built-ins); file helpers live in `mtlgrad/node`.
 */
export * from './autograd/index.js';
export { AutogradError, DTypeError, FormatError, MtlgradError, ShapeError, ValueError } from './errors.js';
export type { DType, Storage } from './tensor/dtype.js';
export { defaultRng, manualSeed, Rng } from './tensor/rng.js';

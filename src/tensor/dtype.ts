import { ValueError } from '../errors.js';

/** The element types a tensor can hold. float32 is the default; float64 exists for gradient checks. */
export type DType = 'float32' | 'float64';

/** The typed array that backs a tensor of either dtype. */
export type Storage = Float32Array | Float64Array;

/**
 * Most elements one typed array may hold here (2³² − 1, V8's limit; the memory of the machine is
 * usually the tighter bound).
 */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/**
 * A new zero-filled array of `dtype`. Every tensor's storage is allocated here, so this is the one
 * place that turns an impossible size into a ValueError giving the size (instead of V8's RangeError).
 */
export function allocate(dtype: DType, size: number): Storage {
  if (!Number.isSafeInteger(size) || size < 0 || size > MAX_ELEMENTS) throw sizeError(dtype, size);
  try {
    return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  } catch (err) {
    if (err instanceof RangeError) throw sizeError(dtype, size);
    throw err;
  }
}

function sizeError(dtype: DType, size: number): ValueError {
  const bytes = size * (dtype === 'float64' ? 8 : 4);
  const why =
    Number.isSafeInteger(size) && size >= 0 && size <= MAX_ELEMENTS
      ? 'there is not enough memory'
      : `the limit is ${MAX_ELEMENTS} elements`;
  return new ValueError(
    `cannot allocate a ${dtype} tensor of ${size} elements (${formatBytes(bytes)}): ${why}`,
  );
}

/** 4000000000000 → '4.0 TB'. */
function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return `${bytes} bytes`;
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/** The dtype of a typed array. */
export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** True for the names we accept as a dtype, so user input can be validated. */
export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64';
}

/** The element types a tensor can hold. float32 is the default; float64 exists for gradient checks. */
export type DType = 'float32' | 'float64';

/** The typed array that backs a tensor of either dtype. */
export type Storage = Float32Array | Float64Array;

/** A new zero-filled array of `dtype`. */
export function allocate(dtype: DType, size: number): Storage {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** The dtype of a typed array. */
export function dtypeOf(data: Storage): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

/** True for the names we accept as a dtype, so user input can be validated. */
export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64';
}

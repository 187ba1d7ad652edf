import { fmtShape, ShapeError, ValueError } from '../../errors.js';
import type { GradientMatrix } from './types.js';

/**
 * Validates J and copies it into float64 rows.
 *
 * Accepts an array of T rows or a [T, D] tensor ({ shape, data }, row-major). Requires T ≥ 1,
 * every row of the same length D ≥ 1 and every entry finite. Copying means the aggregators may
 * work in place and never touch the caller's data, and float32 input is widened once.
 */
export function toRows(J: GradientMatrix, fnName: string): Float64Array[] {
  if (J === null || typeof J !== 'object') {
    throw new ValueError(
      `${fnName}: J must be an array of T gradient rows or a [T, D] tensor, got ${String(J)}`,
    );
  }
  if (!Array.isArray(J) && 'shape' in J && 'data' in J) return tensorRows(J.shape, J.data, fnName);
  if (!Array.isArray(J)) {
    throw new ValueError(`${fnName}: J must be an array of T gradient rows or a [T, D] tensor`);
  }
  const T = J.length;
  if (T === 0) throw new ShapeError(`${fnName}: J must have at least 1 row (one per task), got 0 rows`);
  const first = J[0] as ArrayLike<number> | undefined;
  if (first === null || typeof first !== 'object' || typeof first.length !== 'number') {
    throw new ValueError(`${fnName}: J[0] must be an array of numbers (a gradient row)`);
  }
  const D = first.length;
  if (D === 0) throw new ShapeError(`${fnName}: J rows must have length D >= 1, got [${T},0]`);
  const rows: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const src = J[t] as ArrayLike<number> | undefined;
    if (src === null || typeof src !== 'object' || typeof src.length !== 'number') {
      throw new ValueError(`${fnName}: J[${t}] must be an array of numbers (a gradient row)`);
    }
    if (src.length !== D) {
      throw new ShapeError(
        `${fnName}: J must be a [T, D] matrix, but row ${t} has length ${src.length} and row 0 has length ${D}`,
      );
    }
    const row = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      const v = src[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValueError(`${fnName}: J[${t}][${i}] is ${String(v)}; gradients must be finite numbers`);
      }
      row[i] = v;
    }
    rows.push(row);
  }
  return rows;
}

function tensorRows(shape: readonly number[], data: ArrayLike<number>, fnName: string): Float64Array[] {
  if (!Array.isArray(shape) || shape.length !== 2) {
    throw new ShapeError(
      `${fnName}: a tensor J must have shape [T, D], got ${Array.isArray(shape) ? fmtShape(shape) : String(shape)}`,
    );
  }
  const [T, D] = shape as [number, number];
  if (!Number.isInteger(T) || T < 1) {
    throw new ShapeError(
      `${fnName}: J must have at least 1 row (one per task), got shape ${fmtShape(shape)}`,
    );
  }
  if (!Number.isInteger(D) || D < 1) {
    throw new ShapeError(`${fnName}: J rows must have length D >= 1, got shape ${fmtShape(shape)}`);
  }
  if (data === null || typeof data !== 'object' || data.length !== T * D) {
    throw new ShapeError(
      `${fnName}: tensor J of shape ${fmtShape(shape)} needs ${T * D} data elements, got ${data?.length}`,
    );
  }
  const rows: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const row = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      const v = data[t * D + i];
      if (!Number.isFinite(v)) {
        throw new ValueError(`${fnName}: J[${t}][${i}] is ${String(v)}; gradients must be finite numbers`);
      }
      row[i] = v;
    }
    rows.push(row);
  }
  return rows;
}

/** Validates an integer option ≥ min. */
export function checkInt(fnName: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(`${fnName}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

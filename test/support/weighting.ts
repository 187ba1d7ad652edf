/** Shared helpers for the weighting tests. */
import { expect } from 'vitest';
import { tensor } from '../../src/autograd/create.js';

export const info = (T: number, kinds?: string[]) => ({
  tasks: Array.from({ length: T }, (_, i) => `t${i}`),
  taskWeights: Array.from({ length: T }, () => 1),
  kinds: kinds ?? Array.from({ length: T }, () => 'regression'),
});
export const scalars = (vals: number[]) =>
  vals.map((v) => tensor(v, { dtype: 'float64', requiresGrad: true }));
/** A matrix given as arrays, as the float64 rows a gradient method takes. */
export const rows = (J: number[][]) => J.map((r) => Float64Array.from(r));
/** Each entry of `a` equals b's to `digits` decimals. */
export const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, digits = 6) =>
  Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i], digits));

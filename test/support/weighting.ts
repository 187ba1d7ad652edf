/** Shared helpers for the weighting tests. */
import { tensor } from '../../src/autograd/create.js';

export const info = (T: number, kinds?: string[]) => ({
  tasks: Array.from({ length: T }, (_, i) => `t${i}`),
  taskWeights: Array.from({ length: T }, () => 1),
  kinds: kinds ?? Array.from({ length: T }, () => 'regression'),
});
export const scalars = (vals: number[]) =>
  vals.map((v) => tensor(v, { dtype: 'float64', requiresGrad: true }));

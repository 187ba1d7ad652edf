/**
 * Multi-task gradient aggregators: pure functions of the per-task gradient matrix J
 * (T rows = tasks, D columns = shared parameters) returning an aggregated direction and the
 * per-task weights with direction = Σ_t weights[t] · J[t].
 */
export { type CagradOptions, type CagradResult, cagrad } from './cagrad.js';
export { gradientCosine } from './cosine.js';
export { type ImtlResult, imtl } from './imtl.js';
export { type MgdaOptions, type MgdaResult, type MinNormOptions, mgda, minNormWeights } from './mgda.js';
export { type NashMtlOptions, type NashMtlResult, nashMTL } from './nash-mtl.js';
export { type PcgradOptions, type PcgradResult, pcgrad } from './pcgrad.js';
export { toRows } from './rows.js';
export type { AggregatorResult, GradientMatrix, TensorLike } from './types.js';

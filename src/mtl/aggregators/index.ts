/**
 * Multi-task gradient aggregators: pure functions of the per-task gradient matrix J
 * (T rows = tasks, D columns = shared parameters) returning an aggregated direction and the
 * per-task weights with direction = Σ_t weights[t] · J[t]. Methods that need only the Gramian
 * G = JJᵀ are GramianWeightings (`mgdaWeighting()`, ...), combined by `aggregate(J, weighting)`;
 * PCGrad and TrimmedMean work on the rows.
 */
export { type AlignedMtlOptions, alignedMTL, alignedMtlWeighting } from './aligned-mtl.js';
export { type CagradOptions, type CagradResult, cagrad, cagradWeighting } from './cagrad.js';
export { conFIG, conFigWeighting } from './config.js';
export { constantGrad, constantWeighting } from './constant.js';
export { gradientCosine } from './cosine.js';
export type { DualConeOptions } from './dual-cone.js';
export { dualProj, dualProjWeighting } from './dual-proj.js';
export { type ExcessMtlOptions, type ExcessMtlResult, type ExcessMtlState, excessMTL } from './excess-mtl.js';
export {
  type FairGradInfo,
  type FairGradOptions,
  type FairGradResult,
  fairGrad,
  fairGradWeighting,
} from './fair-grad.js';
export { type GradDropOptions, type GradDropResult, gradDrop } from './grad-drop.js';
export { type GradVacOptions, type GradVacResult, gradVac, gradVacStep } from './grad-vac.js';
export { aggregate, type Gramian, type GramianWeighting, gramianOf } from './gramian.js';
export { type ImtlResult, imtl, imtlWeighting } from './imtl.js';
export { type KrumOptions, krum, krumWeighting } from './krum.js';
export { meanGrad, meanWeighting } from './mean.js';
export {
  type MgdaOptions,
  type MgdaResult,
  type MinNormOptions,
  mgda,
  mgdaWeighting,
  minNormWeights,
} from './mgda.js';
export { type MoDoOptions, moDo } from './mo-do.js';
export { type NashMtlOptions, type NashMtlResult, nashMTL, nashMtlWeighting } from './nash-mtl.js';
export { type PcgradOptions, type PcgradResult, pcgrad } from './pcgrad.js';
export { randomGrad, randomWeighting } from './random.js';
export { toRows } from './rows.js';
export { type SdmGradOptions, type SdmGradResult, sdmGrad } from './sdm-grad.js';
export { projectSimplex } from './simplex.js';
export { sumGrad, sumWeighting } from './sum.js';
export { type TrimmedMeanResult, trimmedMean } from './trimmed-mean.js';
export type { AggregatorResult, GradientMatrix, TensorLike } from './types.js';
export { upgrad, upgradWeighting } from './upgrad.js';

export { AutoLambda, type AutoLambdaOptions, autoLambdaGradient } from './auto-lambda.js';
export { CRMOGM } from './cr-mogm.js';
export { DBMTL } from './db-mtl.js';
export { DWA } from './dwa.js';
export { EW, Static } from './ew.js';
export { FAMO } from './famo.js';
export { GLS } from './gls.js';
export {
  AlignedMTL,
  CAGrad,
  ConFIG,
  Constant,
  DualProj,
  ExcessMTL,
  FairGrad,
  GradDrop,
  GradVac,
  GramianMethod,
  IMTL,
  Krum,
  Mean,
  MGDA,
  type MgdaNormalization,
  MoDo,
  NashMTL,
  PCGrad,
  Random,
  SDMGrad,
  Sum,
  TrimmedMean,
  UPGrad,
} from './gradient-methods.js';
export { GradNorm, gradNorm } from './gradnorm.js';
export { IMTLFull, IMTLL } from './imtl-l.js';
export { MoCo } from './moco.js';
export { RLW } from './rlw.js';
export { STCH } from './stch.js';
export type {
  GradientWeighting,
  LookaheadContext,
  LossWeighting,
  StepInfo,
  Weighting,
  WeightingInfo,
} from './types.js';
export { UW } from './uw.js';

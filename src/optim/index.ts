/** Optimisers, weight decay, gradient clipping and learning-rate schedulers (PyTorch's torch.optim). */
export { Adam, type AdamHyper, type AdamOptions, AdamW } from './adam.js';
export { type ClipGradNormOptions, clipGradNorm, clipGradValue } from './clip.js';
export { type DecayGroup, type DecayGroupsOptions, decayGroups } from './groups.js';
export { l2Penalty } from './l2.js';
export {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  LinearLR,
  type LinearLROptions,
  LinearWarmup,
  LRScheduler,
  MultiStepLR,
  type SchedulableOptimizer,
  type SchedulerStateDict,
  SequentialLR,
  StepLR,
} from './lr-scheduler.js';
export {
  type BaseHyper,
  type HyperValue,
  Optimizer,
  type OptimizerStateDict,
  OptimizerStateError,
  type ParamGroup,
  type ParamGroupInput,
  type ParamStateJSON,
  type ParamsInput,
} from './optimizer.js';
export { SGD, type SGDHyper, type SGDOptions } from './sgd.js';

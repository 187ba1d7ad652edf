/**
 * mtlgrad/nn: layers, activations, initialisers and losses.
 *
 * State-dict keys follow PyTorch: Linear 'weight' [out, in] and 'bias' [out]; LayerNorm 'weight', 'bias';
 * Sequential children '0', '1', … by position; MLP 'layers.i.*' for its i-th Linear and 'norms.i.*' for
 * the LayerNorm after hidden layer i.
 */
export {
  ACTIVATION_NAMES,
  type ActivationFn,
  type ActivationName,
  activation,
  GELU,
  type GeluOptions,
  gelu,
  Identity,
  identity,
  Lambda,
  LeakyReLU,
  leakyRelu,
  ReLU,
  relu,
  Sigmoid,
  Softplus,
  type SoftplusOptions,
  sigmoid,
  softplus,
  Tanh,
  tanh,
} from './activations.js';
export { ModuleDict, ModuleList, Sequential } from './containers.js';
export { Dropout, type DropoutModuleOptions, type DropoutOptions, dropout } from './dropout.js';
export { erf } from './erf.js';
export type { InitFn, InitName } from './init.js';
export * as init from './init.js';
export { LayerNorm, type LayerNormFnOptions, type LayerNormOptions, layerNorm } from './layernorm.js';
export { Linear, type LinearOptions, linear } from './linear.js';
export {
  type BCEWithLogitsOptions,
  binaryCrossEntropyWithLogits,
  type CrossEntropyOptions,
  crossEntropy,
  type HuberOptions,
  huber,
  type LossOptions,
  l1,
  mse,
  type Reduction,
  type RowMask,
  type SmoothL1Options,
  smoothL1,
  type Targets,
} from './losses.js';
export { MLP, type MLPOptions } from './mlp.js';
export { type LoadStateDictOptions, type LoadStateDictResult, Module, StateDictError } from './module.js';

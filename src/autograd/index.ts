export {
  arange,
  type CreateOptions,
  eye,
  full,
  ones,
  onesLike,
  type RandomOptions,
  rand,
  randn,
  type TensorOptions,
  tensor,
  zeros,
  zerosLike,
} from './create.js';
export { type CustomOpContext, type CustomOpSpec, customOp } from './custom.js';
export { type GradTree, grad, type TensorTree, valueAndGrad } from './functional.js';
export { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';
export {
  type BackwardFn,
  type BackwardOptions,
  defineOp,
  expectTensor,
  type GradSums,
  type ScaledSum,
} from './graph.js';

import './methods.js';

export * from './ops/index.js';
export { type Axis, type NestedArray, type Operand, type ReduceOptions, Tensor } from './tensor.js';

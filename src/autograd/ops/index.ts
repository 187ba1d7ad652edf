export { add, div, maximum, minimum, mul, sub } from './binary.js';
export { cast } from './cast.js';
export { type MatmulOptions, matmul } from './matmul.js';
export { argmax, argmin, logSumExp, max, mean, min, sum } from './reduce.js';
export {
  concat,
  gather,
  type IndexArray,
  permute,
  reshape,
  type SliceRanges,
  slice,
  squeeze,
  stack,
  toIndex,
  transpose,
  unsqueeze,
  where,
} from './shape.js';
export { logSoftmax, softmax } from './softmax.js';
export { abs, clamp, cos, exp, log, neg, pow, relu, sigmoid, sin, sqrt, square, tanh } from './unary.js';

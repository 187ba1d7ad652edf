/** `mtlgrad/testing`: gradient checking and fast-check arbitraries for testing ops, yours included. */
export {
  type ShapeConstraints,
  type TensorArbitraries,
  type TensorConstraints,
  tensorArbitraries,
} from './arbitraries.js';
export {
  assertGradcheck,
  GradcheckError,
  type GradcheckMismatch,
  type GradcheckOptions,
  type GradcheckReport,
  gradcheck,
} from './gradcheck.js';

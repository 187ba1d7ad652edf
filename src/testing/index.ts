/**
 * `mtlgrad/testing`: gradient checking and fast-check arbitraries for testing ops, yours included.
 *
 * @module mtlgrad/testing
 */
// The tensors made here carry the chained op methods even when `mtlgrad` itself is not imported.
import '../autograd/methods.js';

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

/**
 * mtlgrad: multi-task learning on the CPU in pure TypeScript.
 * This entry point is browser-safe (no Node built-ins); file helpers and the CLI live in `mtlgrad/node`,
 * gradient checking and fast-check arbitraries in `mtlgrad/testing`.
 *
 * @module mtlgrad
 */
export * from './autograd/index.js';
export {
  type BackendInfo,
  type BackendName,
  backendInfo,
  getBackend,
  setBackend,
  setNumThreads,
} from './backend/index.js';
export * from './data/index.js';
export {
  AutogradError,
  CellError,
  type CellErrorInfo,
  DTypeError,
  FormatError,
  MtlgradError,
  ShapeError,
  ValueError,
} from './errors.js';
export * from './io/index.js';
export * from './model/index.js';
export * from './mtl/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export * from './stats/index.js';
export type { DType, Storage } from './tensor/dtype.js';
export { defaultRng, manualSeed, Rng } from './tensor/rng.js';

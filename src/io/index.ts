export { bfloat16ToNumber, float16ToNumber } from './half.js';
export { ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx/index.js';
export { type PytorchPreprocessing, type ToPytorchOptions, toPytorch } from './pytorch-module.js';
export {
  type DSelectKGateSpec,
  describeModel,
  type LayerSpec,
  type ModelSpec,
  type PartSpec,
} from './pytorch-spec.js';
export {
  DEFAULT_MAX_HEADER_BYTES,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDType,
} from './safetensors.js';

export { bfloat16ToNumber, float16ToNumber } from './half.js';
export { ONNX_OPSET, type OnnxOptions, toOnnx } from './onnx/index.js';
export {
  DEFAULT_MAX_HEADER_BYTES,
  type DecodedSafetensors,
  type DecodeSafetensorsOptions,
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDType,
} from './safetensors.js';

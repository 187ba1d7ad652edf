export { ONNX_OPSET, type OnnxOptions, toOnnx } from './export.js';

/**
 * The layers of src/nn as ONNX nodes: Linear → Gemm, LayerNorm → LayerNormalization, the activations
 * (GELU decomposed with Erf, or with Tanh for the tanh approximation, as opset 17 has no Gelu), MLP and
 * Sequential as their parts, Dropout as nothing (eval mode).
 */
import { ValueError } from '../../errors.js';
import {
  type ActivationFn,
  type ActivationName,
  GELU,
  gelu,
  Identity,
  identity,
  LeakyReLU,
  leakyRelu,
  ReLU,
  relu,
  Sigmoid,
  Softplus,
  sigmoid,
  softplus,
  Tanh,
  tanh,
} from '../../nn/activations.js';
import { Sequential } from '../../nn/containers.js';
import { Dropout } from '../../nn/dropout.js';
import { LayerNorm } from '../../nn/layernorm.js';
import { Linear } from '../../nn/linear.js';
import { MLP } from '../../nn/mlp.js';
import { Module } from '../../nn/module.js';
import { float, int, type OnnxGraph } from './graph.js';

/** y = x·Wᵀ + b as Gemm with transB (our weight is [out, in], like PyTorch's). */
export function linearNode(g: OnnxGraph, layer: Linear, prefix: string, x: string): string {
  g.readsInput(x, layer.inFeatures);
  const inputs = [x, g.parameter(`${prefix}.weight`, layer.weight)];
  if (layer.bias !== null) inputs.push(g.parameter(`${prefix}.bias`, layer.bias));
  return g.node('Gemm', inputs, { transB: int(1) });
}

function layerNormNode(g: OnnxGraph, norm: LayerNorm, prefix: string, x: string): string {
  const d = norm.normalizedShape;
  const scale = norm.weight
    ? g.parameter(`${prefix}.weight`, norm.weight)
    : g.constant(`${prefix}.ones`, new Float32Array(d).fill(1), [d]);
  const inputs = [x, scale];
  if (norm.bias) inputs.push(g.parameter(`${prefix}.bias`, norm.bias));
  return g.node('LayerNormalization', inputs, { axis: int(-1), epsilon: float(norm.eps) });
}

/** x·Φ(x) = x · ½ · (1 + erf(x/√2)). */
function geluErf(g: OnnxGraph, x: string): string {
  const e = g.node('Erf', [g.node('Mul', [x, g.scalar(Math.SQRT1_2)])]);
  return g.node('Mul', [g.node('Mul', [x, g.node('Add', [e, g.scalar(1)])]), g.scalar(0.5)]);
}

/** ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 x³))), PyTorch's approximate='tanh'. */
function geluTanh(g: OnnxGraph, x: string): string {
  const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
  const inner = g.node('Add', [x, g.node('Mul', [cube, g.scalar(0.044715)])]);
  const t = g.node('Tanh', [g.node('Mul', [inner, g.scalar(Math.sqrt(2 / Math.PI))])]);
  return g.node('Mul', [g.node('Mul', [x, g.node('Add', [t, g.scalar(1)])]), g.scalar(0.5)]);
}

/** softplus(βx)/β; ONNX's Softplus has no β and no threshold (above it ours is x, off by < 3e-9). */
function softplusNode(g: OnnxGraph, x: string, beta: number): string {
  if (beta === 1) return g.node('Softplus', [x]);
  const s = g.node('Softplus', [g.node('Mul', [x, g.scalar(beta)])]);
  return g.node('Div', [s, g.scalar(beta)]);
}

/** The nodes of an activation given as MLP takes it: a name, one of our functions, or an activation Module. */
export function activationNode(
  g: OnnxGraph,
  a: ActivationName | ActivationFn | Module,
  x: string,
  where: string,
): string {
  if (a === 'relu' || a === relu || a instanceof ReLU) return g.node('Relu', [x]);
  if (a === 'tanh' || a === tanh || a instanceof Tanh) return g.node('Tanh', [x]);
  if (a === 'sigmoid' || a === sigmoid || a instanceof Sigmoid) return g.node('Sigmoid', [x]);
  if (a === 'identity' || a === identity || a instanceof Identity) return x;
  if (a === 'leakyRelu' || a === leakyRelu) return g.node('LeakyRelu', [x], { alpha: float(0.01) });
  if (a instanceof LeakyReLU) return g.node('LeakyRelu', [x], { alpha: float(a.negativeSlope) });
  if (a === 'gelu' || a === gelu) return geluErf(g, x);
  if (a === 'geluTanh') return geluTanh(g, x);
  if (a instanceof GELU) return a.approximate === 'tanh' ? geluTanh(g, x) : geluErf(g, x);
  if (a === 'softplus' || a === softplus) return softplusNode(g, x, 1);
  if (a instanceof Softplus) return softplusNode(g, x, a.beta);
  const what =
    typeof a === 'function'
      ? `function ${a.name || '(anonymous)'}`
      : a instanceof Module
        ? a.constructor.name
        : String(a);
  throw new ValueError(
    `toOnnx: ${where}: ${what} has no ONNX form (layers: Linear, MLP, LayerNorm, Sequential, Dropout; activations: relu, tanh, sigmoid, gelu, geluTanh, leakyRelu, softplus, identity)`,
  );
}

function mlpNodes(g: OnnxGraph, mlp: MLP, prefix: string, x: string): string {
  const L = mlp.layers.length;
  let h = x;
  for (let i = 0; i < L; i++) {
    h = linearNode(g, mlp.layers.at(i), `${prefix}.layers.${i}`, h);
    if (i < L - 1) {
      if (mlp.norms !== null) h = layerNormNode(g, mlp.norms.at(i), `${prefix}.norms.${i}`, h);
      h = activationNode(g, mlp.activation, h, prefix);
    } else if (mlp.outputActivation !== null) {
      h = activationNode(g, mlp.outputActivation, h, prefix);
    }
  }
  return h;
}

/**
 * The nodes of a module mapping one [N, D] tensor to one [N, H] tensor: Linear, MLP, LayerNorm, Sequential,
 * Dropout or an activation Module. `prefix` is its state-dict path (initializers are named after the keys).
 *
 * @throws ValueError for any other module.
 */
export function moduleNodes(g: OnnxGraph, m: Module<never, unknown>, prefix: string, x: string): string {
  if (m instanceof Linear) return linearNode(g, m, prefix, x);
  if (m instanceof MLP) return mlpNodes(g, m, prefix, x);
  if (m instanceof LayerNorm) return layerNormNode(g, m, prefix, x);
  if (m instanceof Dropout) return x;
  if (m instanceof Sequential) {
    let h = x;
    for (const [name, child] of m.namedChildren())
      h = moduleNodes(g, child as Module<never, unknown>, `${prefix}.${name}`, h);
    return h;
  }
  return activationNode(g, m as Module, x, prefix);
}

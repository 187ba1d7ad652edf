/** Layers and activations against PyTorch (test/fixtures/layers.json): outputs and gradients of sum(out·R). */
import { afterAll, describe, expect, it } from 'vitest';
import { logSoftmax, logSumExp, softmax } from '../../src/autograd/index.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import { gelu, layerNorm, leakyRelu, linear, sigmoid, softplus, tanh } from '../../src/nn/index.js';
import { DiffLog, type FixtureTensor, f64, loadFixture, maxAbsDiff } from './helpers.js';

interface LayerCase {
  name: string;
  op: string;
  options: Record<string, unknown>;
  input: FixtureTensor;
  params: Record<string, FixtureTensor>;
  output: FixtureTensor;
  R: FixtureTensor;
  gradInput: FixtureTensor;
  gradParams: Record<string, FixtureTensor>;
}

const cases = loadFixture<LayerCase[]>('layers.json');
const log = new DiffLog();

function run(c: LayerCase, x: Tensor, params: Record<string, Tensor>): Tensor {
  const o = c.options;
  switch (c.op) {
    case 'linear':
      return linear(x, params.weight, params.bias);
    case 'layer_norm':
      return layerNorm(x, params.weight, params.bias, { eps: o.eps as number });
    case 'gelu':
      return gelu(x, { approximate: o.approximate as 'none' | 'tanh' });
    case 'softplus':
      return softplus(x, { beta: o.beta as number, threshold: o.threshold as number });
    case 'leaky_relu':
      return leakyRelu(x, o.negativeSlope as number);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    case 'log_softmax':
      return logSoftmax(x, o.dim as number);
    case 'softmax':
      return softmax(x, o.dim as number);
    case 'logsumexp':
      return logSumExp(x, o.dim as number, { keepDims: o.keepdim as boolean });
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

/** Tolerances per op (float64 throughout). */
const TOL: Record<string, number> = { gelu: 1e-12 };

describe('layers.json (PyTorch 1.13, float64)', () => {
  it('has the 14 documented cases', () => {
    expect(cases.length).toBe(14);
  });

  for (const c of cases) {
    it(`${c.name}: output and gradients match`, () => {
      const x = f64(c.input, true);
      const params: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(c.params)) params[k] = f64(v, true);
      const y = run(c, x, params);
      expect(y.shape).toEqual(c.output.shape);
      const group = c.op === 'gelu' ? c.name : c.op;
      const tol = TOL[c.op] ?? 1e-12;
      expect(log.add(group, maxAbsDiff(y.data, c.output.data))).toBeLessThan(tol);
      y.mul(f64(c.R)).sum().backward();
      expect(log.add(group, maxAbsDiff(x.grad!.data, c.gradInput.data))).toBeLessThan(tol);
      for (const [k, v] of Object.entries(c.gradParams)) {
        expect(params[k].grad!.shape).toEqual(v.shape);
        expect(log.add(group, maxAbsDiff(params[k].grad!.data, v.data))).toBeLessThan(tol);
      }
    });
  }

  afterAll(() => log.report('layers.json'));
});

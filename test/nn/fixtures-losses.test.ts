/** Losses against PyTorch (test/fixtures/losses.json): values and d(sum(loss))/d(input). */
import { afterAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/autograd/tensor.js';
import {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huber,
  l1,
  mse,
  type Reduction,
  smoothL1,
} from '../../src/nn/index.js';
import { DiffLog, type FixtureTensor, f64, loadFixture, maxAbsDiff } from './helpers.js';

interface LossCase {
  name: string;
  loss: string;
  options: {
    reduction: Reduction;
    weight?: number[];
    labelSmoothing?: number;
    ignoreIndex?: number;
    posWeight?: number[];
    delta?: number;
    beta?: number;
  };
  input: FixtureTensor;
  target: FixtureTensor;
  mask?: boolean[];
  expected: number | number[];
  expectedShape: number[];
  grad: number[];
}

const cases = loadFixture<LossCase[]>('losses.json');
const log = new DiffLog();

function compute(c: LossCase, x: Tensor): Tensor {
  const { reduction } = c.options;
  const t = c.target.data;
  switch (c.loss) {
    case 'cross_entropy':
      return crossEntropy(x, t, {
        reduction,
        weight: c.options.weight,
        labelSmoothing: c.options.labelSmoothing,
        mask: c.mask,
      });
    case 'binary_cross_entropy_with_logits':
      return binaryCrossEntropyWithLogits(x, f64(c.target), { reduction, posWeight: c.options.posWeight });
    case 'mse':
      return mse(x, f64(c.target), { reduction });
    case 'l1':
      return l1(x, f64(c.target), { reduction });
    case 'huber':
      return huber(x, f64(c.target), { reduction, delta: c.options.delta });
    case 'smooth_l1':
      return smoothL1(x, f64(c.target), { reduction, beta: c.options.beta });
    default:
      throw new Error(`unknown loss ${c.loss}`);
  }
}

const GROUP: Record<string, string> = {
  cross_entropy: 'crossEntropy',
  binary_cross_entropy_with_logits: 'binaryCrossEntropyWithLogits',
  mse: 'mse',
  l1: 'l1',
  huber: 'huber',
  smooth_l1: 'smoothL1',
};

describe('losses.json (PyTorch 1.13, float64)', () => {
  it('has the 50 documented cases', () => {
    expect(cases.length).toBe(50);
  });

  for (const c of cases) {
    it(`${c.name}: value and input gradient match`, () => {
      const x = f64(c.input, true);
      const loss = compute(c, x);
      expect(loss.shape).toEqual(c.expectedShape);
      const expected = typeof c.expected === 'number' ? [c.expected] : c.expected;
      let group = GROUP[c.loss];
      if (c.mask !== undefined) group += ' (ignore→mask)';
      if (c.options.labelSmoothing !== undefined) group += ' (smoothing)';
      // Relative for the value (large-logit cases reach 1e4), absolute for gradients.
      const scale = Math.max(1, ...expected.map(Math.abs));
      expect(log.add(`${group} value`, maxAbsDiff(loss.data, expected) / scale)).toBeLessThan(1e-14);
      loss.sum().backward();
      expect(x.grad!.shape).toEqual(c.input.shape);
      expect(log.add(`${group} grad`, maxAbsDiff(x.grad!.data, c.grad))).toBeLessThan(1e-14);
    });
  }

  afterAll(() => log.report('losses.json (values relative to max(1,|v|), grads absolute)'));
});

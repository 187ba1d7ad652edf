/** Gradients of reductions, logSumExp and softmax/logSoftmax (gradcheck, float64). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSoftmax, logSumExp, max, mean, min, softmax, sum, type Tensor } from '../../../src/index.js';
import { tensorArbitraries } from '../../../src/testing/index.js';
import { axisArb, distinctTensor, expectGradOk, f64, RUNS } from '../../support/grad.js';

const arb = tensorArbitraries(fc);

/** A tensor paired with a reduction axis choice valid for its rank. */
function withAxis(t: fc.Arbitrary<Tensor>) {
  return t.chain((x) => axisArb(x.rank).map((a) => ({ x, ...a })));
}

describe('reduction gradients', () => {
  it('sum over undefined / single / negative / list axes, with and without keepDims', () => {
    fc.assert(
      fc.property(withAxis(arb.tensor({ dtype: 'float64' })), ({ x, axis, keepDims }) => {
        expectGradOk((t) => t.sum(axis, { keepDims }), [x]);
        expectGradOk((t) => sum(t, axis, { keepDims }).square(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('mean over undefined / single / negative / list axes, with and without keepDims', () => {
    fc.assert(
      fc.property(withAxis(arb.tensor({ dtype: 'float64' })), ({ x, axis, keepDims }) => {
        expectGradOk((t) => t.mean(axis, { keepDims }), [x]);
        expectGradOk((t) => mean(t, axis, { keepDims }).exp(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('max without ties', () => {
    fc.assert(
      fc.property(withAxis(distinctTensor()), ({ x, axis, keepDims }) => {
        expectGradOk((t) => t.max(axis, { keepDims }), [x]);
        expectGradOk((t) => max(t, axis, { keepDims }).sin(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('min without ties', () => {
    fc.assert(
      fc.property(withAxis(distinctTensor()), ({ x, axis, keepDims }) => {
        expectGradOk((t) => t.min(axis, { keepDims }), [x]);
        expectGradOk((t) => min(t, axis, { keepDims }).sin(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('max/min share the gradient evenly among tied extrema', () => {
    const x = f64([3, 1, 3, 2, 2, 0], [2, 3], true);
    x.max(1).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0.5, 0, 0.5, 0.5, 0.5, 0]);
    const y = f64([0, 1, 0, 5, 2, 2], [2, 3], true);
    y.min().backward();
    expect(Array.from(y.grad!.data)).toEqual([0.5, 0, 0.5, 0, 0, 0]);
  });

  it('logSumExp over undefined / single / negative / list axes', () => {
    fc.assert(
      fc.property(withAxis(arb.tensor({ dtype: 'float64', min: -5, max: 5 })), ({ x, axis, keepDims }) => {
        expectGradOk((t) => t.logSumExp(axis, { keepDims }), [x]);
        expectGradOk((t) => logSumExp(t, axis, { keepDims }).square(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('logSumExp of large logits (±1e3) still has the right gradient', () => {
    fc.assert(
      fc.property(
        arb.tensor({ dtype: 'float64', minRank: 1, min: -3, max: 3 }),
        fc.constantFrom(1e3, -1e3),
        (x, shift) => {
          const shifted = f64(
            Array.from(x.data, (v) => v + shift),
            x.shape,
          );
          expectGradOk((t) => t.logSumExp(-1), [shifted]);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('softmax and logSoftmax gradients along each axis', () => {
  const withSoftmaxAxis = arb
    .tensor({ dtype: 'float64', minRank: 1, min: -4, max: 4 })
    .chain((x) => fc.integer({ min: -x.rank, max: x.rank - 1 }).map((axis) => ({ x, axis })));

  it('softmax', () => {
    fc.assert(
      fc.property(withSoftmaxAxis, ({ x, axis }) => {
        expectGradOk((t) => t.softmax(axis), [x]);
        expectGradOk((t) => softmax(t, axis).log(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('logSoftmax', () => {
    fc.assert(
      fc.property(withSoftmaxAxis, ({ x, axis }) => {
        expectGradOk((t) => t.logSoftmax(axis), [x]);
        expectGradOk((t) => logSoftmax(t, axis).exp(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('every axis of a fixed 3-D tensor, default axis -1 included', () => {
    fc.assert(
      fc.property(arb.tensor({ dtype: 'float64', shape: [2, 3, 4] }), (x) => {
        for (const axis of [0, 1, 2, -1, -2, -3]) {
          expectGradOk((t) => t.softmax(axis), [x]);
          expectGradOk((t) => t.logSoftmax(axis), [x]);
        }
        expectGradOk((t) => t.softmax(), [x]);
        expectGradOk((t) => t.logSoftmax(), [x]);
      }),
      { numRuns: 5 },
    );
  });

  it('reductions of a rank-0 tensor', () => {
    const x = f64([1.5], []);
    expectGradOk((t) => t.sum(), [x]);
    expectGradOk((t) => t.mean(), [x]);
    expectGradOk((t) => t.max(), [x]);
    expectGradOk((t) => t.logSumExp(), [x]);
  });
});

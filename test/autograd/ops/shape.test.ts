/** Gradients of the shape and data-movement ops, and of cast (gradcheck). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concat,
  gather,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
  where,
} from '../../../src/index.js';
import { tensorArbitraries } from '../../../src/testing/index.js';
import { expectGradOk, f64, RUNS } from '../../support/grad.js';
import { broadcastRef, sizeOfRef } from '../../support/reference.js';

const arb = tensorArbitraries(fc);
const anyTensor = arb.tensor({ dtype: 'float64' });
const nonScalar = arb.tensor({ dtype: 'float64', minRank: 1 });

describe('shape op gradients', () => {
  it('reshape: flatten, reversed dims, and an inferred -1', () => {
    fc.assert(
      fc.property(anyTensor, (x) => {
        const reversed = x.shape.slice().reverse();
        expectGradOk((t) => t.reshape([t.size]).mul(t.reshape([t.size])), [x]);
        expectGradOk((t) => reshape(t, reversed).sin(), [x]);
        expectGradOk((t) => t.reshape([-1]).exp(), [x]);
        expectGradOk((t) => t.flatten().square(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('transpose of two random axes (negatives included), default, and .T', () => {
    const cases = arb
      .tensor({ dtype: 'float64', minRank: 2 })
      .chain((x) =>
        fc
          .tuple(fc.integer({ min: -x.rank, max: x.rank - 1 }), fc.integer({ min: -x.rank, max: x.rank - 1 }))
          .map(([d0, d1]) => ({ x, d0, d1 })),
      );
    fc.assert(
      fc.property(cases, ({ x, d0, d1 }) => {
        // Multiplying by a position-dependent weight makes a wrong index mapping visible.
        const w = (t: Tensor) =>
          f64(
            Array.from({ length: t.size }, (_, i) => i + 1),
            t.shape,
          );
        expectGradOk(
          (t) => {
            const y = t.transpose(d0, d1);
            return y.mul(w(y));
          },
          [x],
        );
        expectGradOk(
          (t) => {
            const y = transpose(t);
            return y.mul(w(y));
          },
          [x],
        );
        expectGradOk((t) => t.T.mul(w(t.T)), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('permute by a random permutation (negative axes included)', () => {
    const cases = nonScalar.chain((x) =>
      fc
        .tuple(
          fc.shuffledSubarray(
            x.shape.map((_, i) => i),
            { minLength: x.rank, maxLength: x.rank },
          ),
          fc.array(fc.boolean(), { minLength: x.rank, maxLength: x.rank }),
        )
        .map(([perm, neg]) => ({ x, dims: perm.map((p, i) => (neg[i] ? p - x.rank : p)) })),
    );
    fc.assert(
      fc.property(cases, ({ x, dims }) => {
        expectGradOk(
          (t) => {
            const y = t.permute(dims);
            return y.mul(
              f64(
                Array.from({ length: y.size }, (_, i) => i - 2),
                y.shape,
              ),
            );
          },
          [x],
        );
        expectGradOk((t) => permute(t, dims).square(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('slice with negative, omitted and out-of-range bounds', () => {
    const bound = fc.option(fc.integer({ min: -6, max: 6 }), { nil: undefined });
    const range = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.tuple(bound, bound).map(([s, e]) => [s, e] as [number?, number?]),
      bound.map((s) => [s] as [number?]),
    );
    const cases = nonScalar.chain((x) =>
      fc.array(range, { minLength: 0, maxLength: x.rank }).map((ranges) => ({ x, ranges })),
    );
    fc.assert(
      fc.property(cases, ({ x, ranges }) => {
        expectGradOk((t) => t.slice(ranges).square(), [x]);
        expectGradOk((t) => slice(t, ranges).mul(3), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('concat of 2-3 tensors along a random axis', () => {
    const cases = arb.shape({ minRank: 1 }).chain((s) =>
      fc.integer({ min: -s.length, max: s.length - 1 }).chain((axis) => {
        const ax = axis < 0 ? axis + s.length : axis;
        return fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }).chain((lengths) =>
          fc
            .tuple(
              ...lengths.map((len) => {
                const shape = s.slice();
                shape[ax] = len;
                return arb.tensor({ dtype: 'float64', shape });
              }),
            )
            .map((ts) => ({ ts, axis })),
        );
      }),
    );
    fc.assert(
      fc.property(cases, ({ ts, axis }) => {
        expectGradOk((...xs) => {
          const y = concat(xs, axis);
          return y.mul(y.add(1));
        }, ts);
      }),
      { numRuns: RUNS },
    );
  });

  it('stack of 2-3 same-shaped tensors along a random axis', () => {
    const cases = arb
      .shape()
      .chain((s) =>
        fc
          .tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: -(s.length + 1), max: s.length }))
          .chain(([count, axis]) =>
            fc
              .array(arb.tensor({ dtype: 'float64', shape: s }), { minLength: count, maxLength: count })
              .map((ts) => ({ ts, axis })),
          ),
      );
    fc.assert(
      fc.property(cases, ({ ts, axis }) => {
        expectGradOk((...xs) => {
          const y = stack(xs, axis);
          return y.mul(
            f64(
              Array.from({ length: y.size }, (_, i) => 1 + i / 3),
              y.shape,
            ),
          );
        }, ts);
      }),
      { numRuns: RUNS },
    );
  });

  it('gather with repeated (and negative) indices along a random axis', () => {
    const cases = nonScalar.chain((x) =>
      fc.integer({ min: -x.rank, max: x.rank - 1 }).chain((axis) => {
        const n = x.shape[axis < 0 ? axis + x.rank : axis];
        return fc
          .array(fc.integer({ min: -n, max: n - 1 }), { minLength: 1, maxLength: 6 })
          .map((idx) => ({ x, axis, idx }));
      }),
    );
    fc.assert(
      fc.property(cases, ({ x, axis, idx }) => {
        expectGradOk((t) => t.gather(idx, axis).square(), [x]);
        expectGradOk((t) => gather(t, Int32Array.from(idx), axis).exp(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('gather accumulates the gradient of a repeated index', () => {
    const x = f64([1, 2, 3], [3], true);
    x.gather([0, 2, 0, 0]).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([3, 0, 1]);
  });

  it('where with broadcast a, b and condition', () => {
    const cases = arb.broadcastTensors({ dtype: 'float64' }).chain(([a, b]) => {
      const shape = broadcastRef(a.shape, b.shape)!;
      return fc
        .array(fc.boolean(), { minLength: sizeOfRef(shape), maxLength: sizeOfRef(shape) })
        .map((c) => ({ a, b, cond: tensor(c.map(Number), { shape }) }));
    });
    fc.assert(
      fc.property(cases, ({ a, b, cond }) => {
        expectGradOk((x, y) => where(cond, x, y).square(), [a, b]);
        expectGradOk((x) => where(cond, x, 2.5).sin(), [a]);
        expectGradOk((y) => where(cond, -1, y).sin(), [b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('squeeze and unsqueeze', () => {
    const cases = anyTensor.chain((x) =>
      fc.integer({ min: -(x.rank + 1), max: x.rank }).map((axis) => ({ x, axis })),
    );
    fc.assert(
      fc.property(cases, ({ x, axis }) => {
        expectGradOk((t) => t.unsqueeze(axis).square(), [x]);
        expectGradOk((t) => squeeze(unsqueeze(t, axis), axis).sin(), [x]);
        expectGradOk((t) => t.unsqueeze(axis).squeeze().exp(), [x]);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('cast (.to) gradients', () => {
  it('float32 leaf → float64: passes gradcheck at default tolerances (actual float32 step)', () => {
    fc.assert(
      fc.property(arb.tensor({ dtype: 'float32' }), (x) => {
        expectGradOk((t) => t.to('float64').square().sin(), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('float64 → float32 → float64 round trip (float32 output: looser tolerance)', () => {
    fc.assert(
      fc.property(anyTensor, (x) => {
        expectGradOk((t) => t.to('float32').mul(3).to('float64'), [x], { eps: 1e-2, atol: 1e-4 });
      }),
      { numRuns: RUNS },
    );
  });

  it('the gradient of a cast input has the input dtype', () => {
    const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
    const y = x.to('float64').square().sum();
    expect(y.dtype).toBe('float64');
    y.backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
  });

  it('.to of the same dtype is the identity (same tensor)', () => {
    const x = f64([1, 2], [2]);
    expect(x.to('float64')).toBe(x);
  });
});

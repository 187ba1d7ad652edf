/** Gradients of the binary ops with broadcasting and number operands (gradcheck, float64). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, div, maximum, minimum, mul, type Operand, sub, type Tensor } from '../../../src/index.js';
import { tensorArbitraries } from '../../../src/testing/index.js';
import { distinctValues, expectGradOk, f64, RUNS } from '../../support/grad.js';
import { broadcastRef, sizeOfRef } from '../../support/reference.js';

const arb = tensorArbitraries(fc);

type BinaryFn = (a: Operand, b: Operand) => Tensor;

const ops: { name: string; fn: BinaryFn; method: (a: Tensor, b: Operand) => Tensor }[] = [
  { name: 'add', fn: add, method: (a, b) => a.add(b) },
  { name: 'sub', fn: sub, method: (a, b) => a.sub(b) },
  { name: 'mul', fn: mul, method: (a, b) => a.mul(b) },
];

/** Broadcastable float64 pairs whose values are all distinct (no ties between any a and b element). */
const distinctPair = arb
  .broadcastShapes()
  .chain(([sa, sb]) =>
    distinctValues(sizeOfRef(sa) + sizeOfRef(sb)).map(
      (v) => [f64(v.slice(0, sizeOfRef(sa)), sa), f64(v.slice(sizeOfRef(sa)), sb)] as [Tensor, Tensor],
    ),
  );

/** A number operand that stays away from the tensor values (kink of maximum/minimum). */
const scalarOperand = fc.integer({ min: -300, max: 300 }).map((i) => i / 200 + 0.0005);

describe('binary op gradients with broadcasting', () => {
  it('the test pairs really are broadcastable (independent rule)', () => {
    fc.assert(
      fc.property(arb.broadcastTensors(), ([a, b]) => {
        expect(broadcastRef(a.shape, b.shape)).not.toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  for (const { name, fn, method } of ops) {
    it(`${name}: tensor ⊕ tensor, broadcast pairs`, () => {
      fc.assert(
        fc.property(arb.broadcastTensors({ dtype: 'float64' }), ([a, b]) => {
          expectGradOk((x, y) => method(x, y), [a, b]);
          expectGradOk((x, y) => fn(y, x), [a, b]);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: number operand on either side`, () => {
      fc.assert(
        fc.property(arb.tensor({ dtype: 'float64' }), fc.double({ min: -3, max: 3, noNaN: true }), (x, c) => {
          expectGradOk((t) => method(t, c), [x]);
          expectGradOk((t) => fn(c, t), [x]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('div: tensor / tensor with denominators away from 0', () => {
    fc.assert(
      fc.property(arb.broadcastTensors({ dtype: 'float64', avoid: [0], kinkMargin: 0.4 }), ([a, b]) => {
        expectGradOk((x, y) => x.div(y), [a, b]);
        expectGradOk((x, y) => div(y, x), [a, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('div: number operand on either side', () => {
    fc.assert(
      fc.property(
        arb.tensor({ dtype: 'float64', avoid: [0], kinkMargin: 0.4 }),
        fc.oneof(
          fc.double({ min: 0.2, max: 3, noNaN: true }),
          fc.double({ min: -3, max: -0.2, noNaN: true }),
        ),
        (x, c) => {
          expectGradOk((t) => t.div(c), [x]);
          expectGradOk((t) => div(c, t), [x]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  for (const [name, fn, method] of [
    ['maximum', maximum, (a: Tensor, b: Operand) => a.maximum(b)],
    ['minimum', minimum, (a: Tensor, b: Operand) => a.minimum(b)],
  ] as const) {
    it(`${name}: broadcast pairs without ties`, () => {
      fc.assert(
        fc.property(distinctPair, ([a, b]) => {
          expectGradOk((x, y) => method(x, y), [a, b]);
          expectGradOk((x, y) => fn(y, x), [a, b]);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: number operand on either side, away from ties`, () => {
      fc.assert(
        fc.property(distinctPair, scalarOperand, ([a], c) => {
          // a's values are multiples of 1/500 and c is not within 5e-4 of one: no ties.
          expectGradOk((t) => method(t, c), [a]);
          expectGradOk((t) => fn(c, t), [a]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('maximum/minimum split the gradient evenly at ties (PyTorch rule)', () => {
    const a = f64([1, 2, 3], [3], true);
    const b = f64([1, 5, 0], [3], true);
    a.maximum(b).sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([0.5, 0, 1]);
    expect(Array.from(b.grad!.data)).toEqual([0.5, 1, 0]);
    const c = f64([1, 2, 3], [3], true);
    const d = f64([1, 5, 0], [3], true);
    c.minimum(d).sum().backward();
    expect(Array.from(c.grad!.data)).toEqual([0.5, 1, 0]);
    expect(Array.from(d.grad!.data)).toEqual([0.5, 0, 1]);
  });

  it('a broadcast operand gets the sum of its gradients over the broadcast axes', () => {
    // x: [2,3], y: [3] → d(sum(x*y))/dy_j = Σ_i x_ij
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3], true);
    const y = f64([7, 8, 9], [3], true);
    x.mul(y).sum().backward();
    expect(Array.from(y.grad!.data)).toEqual([5, 7, 9]);
    expect(Array.from(x.grad!.data)).toEqual([7, 8, 9, 7, 8, 9]);
    const z = f64([2], [1, 1], true);
    z.add(x).sum().backward();
    expect(z.grad!.shape).toEqual([1, 1]);
    expect(z.grad!.data[0]).toBe(6);
  });
});

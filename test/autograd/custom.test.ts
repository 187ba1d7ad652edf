/** customOp: user ops with their own backward, checked by gradcheck. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AutogradError, customOp, noGrad, type Tensor, tensor, ValueError } from '../../src/index.js';
import { gradcheck, tensorArbitraries } from '../../src/testing/index.js';
import { expectGradOk, f64, RUNS } from '../support/grad.js';

const arb = tensorArbitraries(fc);

/** cube(x) = x³, backward 3x²·g, computed from values saved in forward. */
const cube = customOp<Tensor>({
  name: 'cube',
  forward: ([x], save) => {
    save(x);
    return x.mul(x).mul(x);
  },
  backward: (g, { saved }) => [saved!.square().mul(3).mul(g)],
});

/** softplus(x) = log(1 + eˣ), backward σ(x)·g; the output is also available in backward. */
const softplus = customOp<{ sig: Tensor }>({
  name: 'softplus',
  forward: ([x], save) => {
    save({ sig: x.sigmoid() });
    return x.exp().add(1).log();
  },
  backward: (g, { saved }) => [saved!.sig.mul(g)],
});

/** A two-input op with broadcasting: f(a, b) = a·b + a, backward returns broadcast-shaped gradients. */
const fma = customOp({
  name: 'fma',
  forward: ([a, b]) => a.mul(b).add(a),
  backward: (g, { inputs: [a, b] }) => [g.mul(b.add(1)), g.mul(a)],
});

describe('customOp', () => {
  it('a custom cube passes gradcheck (saved input used in backward)', () => {
    fc.assert(
      fc.property(arb.tensor({ dtype: 'float64' }), (x) => expectGradOk((t) => cube(t), [x])),
      { numRuns: RUNS },
    );
  });

  it('a custom softplus passes gradcheck and matches log(1 + eˣ)', () => {
    fc.assert(
      fc.property(arb.tensor({ dtype: 'float64', min: -5, max: 5 }), (x) => {
        expectGradOk((t) => softplus(t), [x]);
        const y = softplus(x);
        y.data.forEach((v, i) => {
          expect(v).toBeCloseTo(Math.log1p(Math.exp(x.data[i])), 12);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('a two-input custom op with broadcasting passes gradcheck', () => {
    fc.assert(
      fc.property(arb.broadcastTensors({ dtype: 'float64' }), ([a, b]) =>
        expectGradOk((x, y) => fma(x, y), [a, b]),
      ),
      { numRuns: RUNS },
    );
  });

  it('composes with built-in ops', () => {
    fc.assert(
      fc.property(arb.tensor({ dtype: 'float64' }), (x) =>
        expectGradOk((t) => cube(t.sin()).mul(t).sum(), [x]),
      ),
      { numRuns: RUNS },
    );
  });

  it('a wrong backward is caught by gradcheck, with the worst element identified', () => {
    // Correct except for element 2 of the input, where the gradient is off by +1.
    const buggy = customOp({
      name: 'buggyCube',
      forward: ([x]) => x.mul(x).mul(x),
      backward: (g, { inputs: [x] }) => {
        const d = x.square().mul(3).mul(g);
        d.data[2] += g.data[2];
        return [d];
      },
    });
    const x = f64([0.5, -1, 1.5, 2], [4]);
    const report = gradcheck((t) => buggy(t), [x]);
    expect(report.pass).toBe(false);
    expect(report.failures).toBe(1);
    expect(report.checked).toBe(16);
    expect(report.worst!.input).toBe(0);
    expect(report.worst!.index).toBe(2);
    expect(report.worst!.output).toBe(2);
    expect(report.worst!.analytic).toBeCloseTo(3 * 1.5 ** 2 + 1, 10);
    expect(report.worst!.numeric).toBeCloseTo(3 * 1.5 ** 2, 5);
  });

  it('backward sees the saved value, the inputs and the output; forward records no graph', () => {
    let seen: { saved: unknown; inputs: Tensor[]; output: Tensor } | null = null;
    let innerRequiresGrad: boolean | null = null;
    const op = customOp<string>({
      name: 'probe',
      forward: ([x], save) => {
        save('hello');
        const y = x.mul(2);
        innerRequiresGrad = y.requiresGrad;
        return y;
      },
      backward: (g, ctx) => {
        seen = ctx;
        return [g.mul(2)];
      },
    });
    const x = f64([1, 2], [2], true);
    const y = op(x);
    expect(innerRequiresGrad).toBe(false);
    expect(y.requiresGrad).toBe(true);
    y.sum().backward();
    expect(seen).not.toBeNull();
    const ctx = seen as unknown as { saved: unknown; inputs: Tensor[]; output: Tensor };
    expect(ctx.saved).toBe('hello');
    expect(ctx.inputs[0]).toBe(x);
    expect(Array.from(ctx.output.data)).toEqual([2, 4]);
    expect(Array.from(x.grad!.data)).toEqual([2, 2]);
  });

  it('under noGrad a custom op records nothing', () => {
    const x = f64([1], [1], true);
    expect(noGrad(() => cube(x)).requiresGrad).toBe(false);
  });

  it('errors: a backward returning the wrong number of gradients, bad inputs, missing functions', () => {
    const wrongCount = customOp({ name: 'bad', forward: ([x]) => x.mul(1), backward: () => [] });
    const x = f64([1], [1], true);
    expect(() => wrongCount(x).sum().backward()).toThrow(AutogradError);
    expect(() =>
      wrongCount(f64([1], [1], true))
        .sum()
        .backward(),
    ).toThrow(/bad: backward must return an array of 1 gradients/);
    expect(() => cube(3 as unknown as Tensor)).toThrow(ValueError);
    expect(() => customOp({ forward: undefined as never, backward: () => [] })).toThrow(ValueError);
    const notTensor = customOp({ name: 'nt', forward: () => 1 as unknown as Tensor, backward: () => [null] });
    expect(() => notTensor(tensor([1]))).toThrow(AutogradError);
  });
});

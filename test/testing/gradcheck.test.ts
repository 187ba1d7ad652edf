/** gradcheck itself: catches wrong gradients, passes right ones, respects tolerances, restores inputs. */
import { describe, expect, it } from 'vitest';
import { customOp, Tensor, tensor, ValueError } from '../../src/index.js';
import { assertGradcheck, GradcheckError, gradcheck } from '../../src/testing/index.js';

const f64 = (values: number[], shape: number[] = [values.length], requiresGrad = false) =>
  new Tensor(Float64Array.from(values), shape, requiresGrad);

/** x ↦ x² elementwise with a backward scaled by `factor` and shifted by `shift` (1, 0 = correct). */
function squareWith(factor: number, shift = 0) {
  return customOp({
    name: 'sq',
    forward: ([x]) => x.square(),
    backward: (g, { inputs: [x] }) => [
      x
        .mul(2 * factor)
        .add(shift)
        .mul(g),
    ],
  });
}

describe('gradcheck', () => {
  it('passes a correct gradient and compares the whole Jacobian', () => {
    const x = f64([0.5, -1, 2]);
    const y = f64([1, 2]);
    // out[i, j] = x_i · y_j: a 3×2 output, Jacobian (6 × 3) + (6 × 2) = 30 entries.
    const report = gradcheck((a, b) => a.reshape([3, 1]).mul(b), [x, y]);
    expect(report.pass).toBe(true);
    expect(report.failures).toBe(0);
    expect(report.checked).toBe(30);
    expect(report.warnings).toEqual([]);
    expect(report.worst).not.toBeNull();
    expect(report.worst!.absError).toBeLessThan(1e-8);
  });

  it('catches a wrong gradient and identifies the worst element', () => {
    const x = f64([0.1, -0.2, 3, 0.4]);
    const report = gradcheck((t) => squareWith(1.5)(t), [x]);
    expect(report.pass).toBe(false);
    expect(report.failures).toBe(4);
    // The error 0.5·2x is largest where |x| is largest: element 2 (x = 3), diagonal output 2.
    expect(report.worst!.input).toBe(0);
    expect(report.worst!.index).toBe(2);
    expect(report.worst!.output).toBe(2);
    expect(report.worst!.analytic).toBeCloseTo(9, 10);
    expect(report.worst!.numeric).toBeCloseTo(6, 6);
    expect(report.worst!.absError).toBeCloseTo(3, 6);
    expect(report.worst!.relError).toBeCloseTo(0.5, 6);
  });

  it('identifies which input is wrong among several', () => {
    const bad = customOp({
      name: 'mulBad',
      forward: ([a, b]) => a.mul(b),
      backward: (g, { inputs: [a, b] }) => [g.mul(b), g.mul(a).mul(1.1)],
    });
    const report = gradcheck((a, b) => bad(a, b), [f64([1, 2]), f64([3, 4])]);
    expect(report.pass).toBe(false);
    expect(report.worst!.input).toBe(1);
    expect(report.worst!.index).toBe(1);
    expect(report.failures).toBe(2);
    // checkInputs restricts the check to the correct input: it passes.
    const only0 = gradcheck((a, b) => bad(a, b), [f64([1, 2]), f64([3, 4])], { checkInputs: [0] });
    expect(only0.pass).toBe(true);
    expect(only0.checked).toBe(4);
  });

  it('respects rtol: a 0.5% relative error fails at rtol 1e-3 and passes at rtol 1e-2', () => {
    const x = f64([1, 2, 3]);
    const fn = (t: Tensor) => squareWith(1.005)(t);
    expect(gradcheck(fn, [x], { atol: 0 }).pass).toBe(false);
    expect(gradcheck(fn, [x], { atol: 0, rtol: 1e-2 }).pass).toBe(true);
  });

  it('respects atol: an absolute error of 5e-5 fails at atol 1e-5 and passes at atol 1e-4', () => {
    const x = f64([1e-3, -2e-3]);
    // Correct derivative 2x plus a constant 5e-5 offset in the backward.
    const fn = (t: Tensor) => squareWith(1, 5e-5)(t);
    expect(gradcheck(fn, [x], { rtol: 0 }).pass).toBe(false);
    expect(gradcheck(fn, [x], { rtol: 0, atol: 1e-4 }).pass).toBe(true);
    // The default tolerances (atol 1e-5 + rtol 1e-3·|numeric|) also reject it.
    expect(gradcheck(fn, [x]).pass).toBe(false);
  });

  it('uses the eps it is given (a larger step sees the curvature of x³)', () => {
    // Central differences of x³: ((x+h)³ − (x−h)³)/2h = 3x² + h². With h = 0.1 the error is 0.01.
    const x = f64([1]);
    const cube = (t: Tensor) => t.pow(3);
    expect(gradcheck(cube, [x]).pass).toBe(true);
    const coarse = gradcheck(cube, [x], { eps: 0.1, atol: 1e-3, rtol: 0 });
    expect(coarse.pass).toBe(false);
    expect(coarse.worst!.numeric).toBeCloseTo(3.01, 10);
    expect(gradcheck(cube, [x], { eps: 0.1, atol: 2e-2, rtol: 0 }).pass).toBe(true);
  });

  it('restores the input data bit for bit, and leaves the caller tensors untouched', () => {
    const values = [0.1, -0.7, 1 / 3, 1e-9, 2.5];
    const x = f64(values, [5], true);
    const w = f64([1, 2, 3, 4, 5], [5], true);
    const report = gradcheck((t) => t.mul(w).exp().sum(), [x]);
    expect(report.pass).toBe(true);
    expect(Array.from(x.data)).toEqual(values);
    expect(x.grad).toBeNull();
    expect(x.requiresGrad).toBe(true);
    // w is closed over by fn: its .grad is not touched by the check either.
    expect(w.grad).toBeNull();
  });

  it('restores the input data even when fn throws part-way', () => {
    const values = [1, 2, 3];
    const x = f64(values);
    let calls = 0;
    const fn = (t: Tensor) => {
      // Succeeds while recording the analytic gradient, then fails on a perturbed forward.
      if (++calls > 5) throw new Error('fn failed');
      return t.square();
    };
    expect(() => gradcheck(fn, [x])).toThrow('fn failed');
    expect(Array.from(x.data)).toEqual(values);
  });

  it('float32 inputs: a warning, and the step actually taken is used', () => {
    // At 1000, float32 spacing is 6.1e-5: 1000 ± 1e-3 is stored as 1000 ± 9.77e-4. Dividing by the
    // nominal 2e-3 would report a derivative of 0.977 for the identity-like x ↦ 2x.
    const x = tensor([1000, -1000, 0.5], { dtype: 'float32' });
    const report = gradcheck((t) => t.mul(2), [x], { eps: 1e-3 });
    expect(report.warnings.length).toBe(1);
    expect(report.warnings[0]).toMatch(/float32/);
    expect(report.pass).toBe(true);
    expect(report.worst!.absError).toBeLessThan(1e-9);
  });

  it('an output that does not depend on the input: zero analytic and numeric gradients pass', () => {
    const x = f64([1, 2]);
    const c = f64([5]);
    expect(gradcheck(() => c.mul(2), [x]).pass).toBe(true);
  });

  it('validates its arguments', () => {
    expect(() => gradcheck((t) => t, [f64([1])], { eps: 0 })).toThrow(ValueError);
    expect(() => gradcheck((t) => t, [f64([1])], { atol: -1 })).toThrow(ValueError);
    expect(() => gradcheck((t) => t, [[1] as unknown as Tensor])).toThrow(ValueError);
    expect(() => gradcheck(() => 1 as unknown as Tensor, [f64([1])])).toThrow(ValueError);
  });
});

describe('assertGradcheck', () => {
  it('returns the report when the check passes', () => {
    expect(assertGradcheck((t) => t.sin(), [f64([0.3, 1])]).pass).toBe(true);
  });

  it('throws a GradcheckError describing the worst element, with the report attached', () => {
    const x = f64([0.1, 3], [2]);
    let error: unknown = null;
    try {
      assertGradcheck((t) => squareWith(2)(t), [x]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GradcheckError);
    const ge = error as GradcheckError;
    expect(ge.report.pass).toBe(false);
    expect(ge.report.worst!.index).toBe(1);
    expect(ge.message).toMatch(
      /^gradcheck failed: 2 of 4 Jacobian entries out of tolerance; worst at input 0 \[2\] element 1, output element 1/,
    );
  });
});

/**
 * Finite-difference gradient checking, PyTorch's `torch.autograd.gradcheck` in spirit:
 * central differences, float64 defaults eps 1e-6, atol 1e-5, rtol 1e-3, and an element passes when
 * |analytic − numeric| ≤ atol + rtol·|numeric|. The whole Jacobian is compared: one backward per
 * output element (analytic) and two forwards per input element (numeric).
 */

import { noGrad } from '../autograd/grad-mode.js';
import { backward } from '../autograd/graph.js';
import { Tensor } from '../autograd/tensor.js';
import { fmtShape, MtlgradError, ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { allocate } from '../tensor/dtype.js';

/** Options of {@link gradcheck}: finite-difference step and tolerances (PyTorch's float64 defaults). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Which inputs to check (default: every input). */
  checkInputs?: readonly number[];
}

/** One gradient entry where the analytic and numerical values disagree. */
export interface GradcheckMismatch {
  /** Index of the input in the `inputs` array. */
  input: number;
  /** Flat index of the input element. */
  index: number;
  /** Flat index of the output element. */
  output: number;
  analytic: number;
  numeric: number;
  absError: number;
  /** |analytic − numeric| / max(|numeric|, tiny): how far off in relative terms. */
  relError: number;
}

/** What {@link gradcheck} returns: whether the gradients agree and where they do not. */
export interface GradcheckReport {
  pass: boolean;
  /** The element with the largest violation of the tolerance (or the largest error when all pass). */
  worst: GradcheckMismatch | null;
  /** Number of Jacobian entries compared. */
  checked: number;
  /** Number of entries outside tolerance. */
  failures: number;
  /** Non-fatal remarks, e.g. float32 inputs. */
  warnings: string[];
}

/** Thrown by assertGradcheck with the report attached. */
export class GradcheckError extends MtlgradError {
  constructor(
    message: string,
    readonly report: GradcheckReport,
  ) {
    super(message);
  }
}

/**
 * Compares the gradient that autograd computes for `fn` at `inputs` with central differences.
 * `fn` must be deterministic; inputs are restored after the check.
 */
export function gradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkOptionKeys('gradcheck', options, GRADCHECK_OPTIONS);
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0))
    throw new ValueError('gradcheck: eps must be > 0, atol and rtol ≥ 0');
  if (!Array.isArray(inputs)) throw new ValueError('gradcheck: inputs must be an array of Tensors');
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ValueError(`gradcheck: input ${i} must be a Tensor`);
  });
  const which = checkInputIndices(options.checkInputs, inputs.length);
  const warnings: string[] = [];
  if (inputs.some((t) => t.dtype === 'float32')) {
    warnings.push(
      'float32 inputs: finite differences are imprecise; use dtype float64 (and larger eps/atol for float32)',
    );
  }
  // Fresh leaves that share the caller's data, so the caller's tensors and grads are untouched.
  const leaves = inputs.map((t, i) => new Tensor(t.data, t.shape, which.includes(i)));
  const targets = new Set(which.map((i) => leaves[i]));
  const out = fn(...leaves);
  if (!(out instanceof Tensor)) throw new ValueError('gradcheck: fn must return a Tensor');
  const nOut = out.size;
  // analytic[input][outIdx * size + inIdx]
  const analytic = which.map((i) => new Float64Array(nOut * inputs[i].size));
  for (let o = 0; o < nOut; o++) {
    for (const i of which) leaves[i].grad = null;
    const y = fn(...leaves);
    if (!y.requiresGrad) continue; // output does not depend on any checked input: analytic is 0
    const seed = new Tensor(allocate(y.dtype, nOut), y.shape);
    seed.data[o] = 1;
    // Only the fresh leaves get .grad: tensors that fn closes over keep theirs.
    backward(y, seed, { onlyLeaves: targets });
    which.forEach((i, w) => {
      const g = leaves[i].grad;
      if (g === null) return;
      const size = inputs[i].size;
      for (let k = 0; k < size; k++) analytic[w][o * size + k] = g.data[k];
    });
  }
  let worst: GradcheckMismatch | null = null;
  let worstScore = -Infinity;
  let failures = 0;
  let checked = 0;
  noGrad(() => {
    which.forEach((i, w) => {
      const data = inputs[i].data;
      const size = data.length;
      for (let k = 0; k < size; k++) {
        const orig = data[k];
        let plus: Float64Array;
        let minus: Float64Array;
        // The step actually taken (float32 storage rounds orig ± eps).
        let step: number;
        try {
          data[k] = orig + eps;
          step = data[k] - orig;
          plus = Float64Array.from(fn(...leaves).data);
          data[k] = orig - eps;
          step += orig - data[k];
          minus = Float64Array.from(fn(...leaves).data);
        } finally {
          data[k] = orig;
        }
        for (let o = 0; o < nOut; o++) {
          const numeric = (plus[o] - minus[o]) / step;
          const a = analytic[w][o * size + k];
          const absError = Math.abs(a - numeric);
          const bound = atol + rtol * Math.abs(numeric);
          const ok = absError <= bound || (Number.isNaN(a) && Number.isNaN(numeric));
          checked++;
          if (!ok) failures++;
          const score = absError - bound;
          if (score > worstScore || worst === null) {
            worstScore = score;
            worst = {
              input: i,
              index: k,
              output: o,
              analytic: a,
              numeric,
              absError,
              relError: absError / Math.max(Math.abs(numeric), 1e-300),
            };
          }
        }
      }
    });
  });
  return { pass: failures === 0, worst, checked, failures, warnings };
}

const GRADCHECK_OPTIONS = ['eps', 'atol', 'rtol', 'checkInputs'] as const;

/** The inputs to check: every one by default, else distinct valid indices into `inputs`. */
function checkInputIndices(which: readonly number[] | undefined, n: number): readonly number[] {
  if (which === undefined) return Array.from({ length: n }, (_, i) => i);
  if (!Array.isArray(which)) throw new ValueError('gradcheck: checkInputs must be an array of input indices');
  which.forEach((i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new ValueError(
        `gradcheck: checkInputs[${k}] is ${String(i)}, expected an index of one of the ${n} inputs (0 to ${n - 1})`,
      );
    }
  });
  if (new Set(which).size !== which.length)
    throw new ValueError('gradcheck: checkInputs lists an input twice');
  return which;
}

/** gradcheck that throws a GradcheckError describing the worst element when the check fails. */
export function assertGradcheck(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const report = gradcheck(fn, inputs, options);
  if (!report.pass) {
    const w = report.worst!;
    throw new GradcheckError(
      `gradcheck failed: ${report.failures} of ${report.checked} Jacobian entries out of tolerance; worst at input ${w.input} ` +
        `${fmtShape(inputs[w.input].shape)} element ${w.index}, output element ${w.output}: analytic ${w.analytic}, ` +
        `numeric ${w.numeric} (|diff| ${w.absError.toExponential(3)})`,
      report,
    );
  }
  return report;
}

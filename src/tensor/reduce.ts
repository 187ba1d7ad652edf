/**
 * Reduction kernels over one axis of a contiguous array viewed as [outer, n, inner].
 * Multi-axis reductions call these once per axis (sum, max and min are associative).
 */
import type { Storage } from './dtype.js';

export type ReduceOp = 'sum' | 'max' | 'min';

/** out[o, i] = op over k of x[o, k, i]; out has outer·inner elements. */
export function reduceKernel(
  op: ReduceOp,
  x: Storage,
  outer: number,
  n: number,
  inner: number,
  out: Storage,
): void {
  if (inner === 1) {
    // Reducing the last axis: each output is one contiguous run.
    for (let o = 0; o < outer; o++) out[o] = reduceRun(op, x, o * n, n);
    return;
  }
  const init = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = init;
    const xb = o * n * inner;
    for (let k = 0; k < n; k++) {
      const row = xb + k * inner;
      if (op === 'sum') {
        for (let i = 0; i < inner; i++) out[ob + i] += x[row + i];
      } else if (op === 'max') {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          // NaN wins, as in PyTorch: a NaN anywhere makes the max NaN.
          if (v > out[ob + i] || v !== v) out[ob + i] = v;
        }
      } else {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          if (v < out[ob + i] || v !== v) out[ob + i] = v;
        }
      }
    }
  }
}

/** op over x[start .. start+n), accumulated in a local (a float64 register). */
function reduceRun(op: ReduceOp, x: Storage, start: number, n: number): number {
  const end = start + n;
  if (op === 'sum') {
    let s = 0;
    for (let i = start; i < end; i++) s += x[i];
    return s;
  }
  let m = op === 'max' ? -Infinity : Infinity;
  if (op === 'max') {
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v > m || v !== v) m = v;
    }
  } else {
    for (let i = start; i < end; i++) {
      const v = x[i];
      if (v < m || v !== v) m = v;
    }
  }
  return m;
}

/**
 * Index of the first maximum (or, with `max` false, minimum) along the axis; a NaN counts as the
 * extremum, as in PyTorch.
 */
export function argExtremumKernel(
  x: Storage,
  outer: number,
  n: number,
  inner: number,
  out: Int32Array | Storage,
  max: boolean,
): void {
  const sign = max ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let bi = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = x[base + k * inner];
          if (v !== v) {
            bi = k;
            break;
          }
          if (sign * (v - best) > 0) {
            best = v;
            bi = k;
          }
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

/**
 * Stable log-sum-exp along the axis: m + log Σ exp(x − m) with m the maximum,
 * so logits of ±1e4 neither overflow nor vanish. An all −∞ slice gives −∞.
 */
export function logSumExpKernel(x: Storage, outer: number, n: number, inner: number, out: Storage): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[base + k * inner];
        if (v > m || v !== v) m = v;
      }
      if (m === -Infinity || m === Infinity || m !== m) {
        out[o * inner + i] = m;
        continue;
      }
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
      out[o * inner + i] = m + Math.log(s);
    }
  }
}

/**
 * The softmax of `n` numbers of `x` from `offset` (all of them by default), in float64: the one
 * softmax of plain number vectors (metrics, weightings), through the same kernel as the tensor op.
 */
export function softmaxVector(x: ArrayLike<number>, offset = 0, n = x.length - offset): number[] {
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) values[k] = x[offset + k];
  softmaxKernel(values, 1, n, 1, values, false);
  return Array.from(values);
}

/**
 * Softmax (or log-softmax when `log`) along the axis, computed stably from the maximum.
 * `out` may alias `x`.
 */
export function softmaxKernel(
  x: Storage,
  outer: number,
  n: number,
  inner: number,
  out: Storage,
  log: boolean,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let k = 0; k < n; k++) {
        const v = x[base + k * inner];
        if (v > m || v !== v) m = v;
      }
      // A slice of all −∞ has no defined softmax; PyTorch gives NaN, and so do we.
      if (log) {
        let s = 0;
        for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
        const shift = m + Math.log(s);
        for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner] - shift;
      } else {
        // exp once per element: store it, then scale by the sum.
        let s = 0;
        for (let k = 0; k < n; k++) {
          const e = Math.exp(x[base + k * inner] - m);
          out[base + k * inner] = e;
          s += e;
        }
        const inv = 1 / s;
        for (let k = 0; k < n; k++) out[base + k * inner] *= inv;
      }
    }
  }
}

/**
 * Small dense float64 linear algebra for the aggregators: T (the number of tasks) is small,
 * so plain loops and Gaussian elimination are all that is needed.
 */

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The factor the aggregators divide J by before forming products of entries: 1 when the largest
 * |entry| m is within [2^-400, 2^400] (squares and sums then stay well inside float64), else the
 * power of two nearest below m. Gradients of size 1e-200 or 1e200 would otherwise give Gram
 * entries of 0 or Infinity; a power of two makes the division and the multiplication back exact.
 */
export function maxAbs(rows: readonly Float64Array[]): number {
  let m = 0;
  for (const r of rows) for (let i = 0; i < r.length; i++) m = Math.max(m, Math.abs(r[i]));
  if (m === 0 || (m >= 2 ** -400 && m <= 2 ** 400)) return 1;
  return 2 ** Math.floor(Math.log2(m));
}

/** The rows divided by `scale` (from {@link maxAbs}), as new arrays. */
export function scaleRows(rows: readonly Float64Array[], scale: number): Float64Array[] {
  return rows.map((r) => r.map((v) => v / scale));
}

/**
 * The Gram matrix of the rows divided by s = maxAbs(rows) (usually 1): G = (J/s)(J/s)ᵀ, T×T and exactly
 * symmetric. The MGDA, CAGrad and IMTL weights and the cosines do not depend on the scale of J,
 * so they use it as is; Nash-MTL's α scales as 1/s.
 */
export function scaledGram(rows: readonly Float64Array[]): { G: Float64Array[]; scale: number } {
  const scale = maxAbs(rows);
  const scaled = scaleRows(rows, scale);
  const T = rows.length;
  const G: Float64Array[] = [];
  for (let s = 0; s < T; s++) G.push(new Float64Array(T));
  for (let s = 0; s < T; s++) {
    for (let t = s; t < T; t++) {
      const v = dot(scaled[s], scaled[t]);
      G[s][t] = v;
      G[t][s] = v;
    }
  }
  return { G, scale };
}

/** Row norms ||g_t|| read off the Gram diagonal. */
export function diagNorms(G: readonly Float64Array[]): Float64Array {
  const n = new Float64Array(G.length);
  for (let t = 0; t < G.length; t++) n[t] = Math.sqrt(Math.max(G[t][t], 0));
  return n;
}

/** Σ_t w[t] · rows[t]. */
export function combine(rows: readonly Float64Array[], w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows[0].length);
  for (let t = 0; t < rows.length; t++) {
    const wt = w[t];
    if (wt === 0) continue;
    const r = rows[t];
    for (let i = 0; i < out.length; i++) out[i] += wt * r[i];
  }
  return out;
}

/** G·w for a square matrix given as rows. */
export function matVec(G: readonly Float64Array[], w: ArrayLike<number>): Float64Array {
  const n = G.length;
  const out = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let acc = 0;
    const row = G[s];
    for (let t = 0; t < n; t++) acc += row[t] * w[t];
    out[s] = acc;
  }
  return out;
}

/** wᵀ G w. */
export function quadForm(G: readonly Float64Array[], w: ArrayLike<number>): number {
  const Gw = matVec(G, w);
  let s = 0;
  for (let t = 0; t < G.length; t++) s += w[t] * Gw[t];
  return s;
}

/**
 * Solves A x = b by Gaussian elimination with partial pivoting (A is n×n, given as rows; neither
 * argument is modified). Returns null when A is singular to working precision: a pivot at most
 * `relTol` times the largest entry of A (an all-zero A is singular). Callers choose a fallback.
 */
export function solveLinear(
  A: readonly ArrayLike<number>[],
  b: ArrayLike<number>,
  relTol = 1e-12,
): Float64Array | null {
  const n = A.length;
  const M: Float64Array[] = [];
  let scale = 0;
  for (let i = 0; i < n; i++) {
    const row = new Float64Array(n + 1);
    for (let j = 0; j < n; j++) {
      row[j] = A[i][j];
      scale = Math.max(scale, Math.abs(row[j]));
    }
    row[n] = b[i];
    M.push(row);
  }
  if (n === 0) return new Float64Array(0);
  if (scale === 0) return null;
  const threshold = relTol * scale;
  for (let k = 0; k < n; k++) {
    // Partial pivoting: the largest |entry| in column k keeps the multipliers ≤ 1.
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    if (!(Math.abs(M[p][k]) > threshold)) return null;
    if (p !== k) {
      const tmp = M[p];
      M[p] = M[k];
      M[k] = tmp;
    }
    const pivotRow = M[k];
    for (let i = k + 1; i < n; i++) {
      const row = M[i];
      const f = row[k] / pivotRow[k];
      if (f === 0) continue;
      for (let j = k; j <= n; j++) row[j] -= f * pivotRow[j];
    }
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = M[i][n];
    for (let j = i + 1; j < n; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

/**
 * Least-squares solution of A x ≈ b closest to x0, for singular or inconsistent systems:
 * minimises ||A x − b||² + λ ||x − x0||² with a tiny ridge λ relative to the scale of AᵀA, i.e.
 * solves (AᵀA + λI) x = Aᵀb + λ x0. As λ → 0 this tends to the least-squares solution nearest x0
 * (the pseudo-inverse solution shifted by x0's null-space component).
 */
export function ridgeLeastSquares(
  A: readonly ArrayLike<number>[],
  b: ArrayLike<number>,
  x0: ArrayLike<number>,
  relRidge = 1e-10,
): Float64Array {
  const m = A.length;
  const n = x0.length;
  const AtA: Float64Array[] = [];
  for (let i = 0; i < n; i++) AtA.push(new Float64Array(n));
  const rhs = new Float64Array(n);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += A[k][i] * A[k][j];
      AtA[i][j] = s;
    }
    let s = 0;
    for (let k = 0; k < m; k++) s += A[k][i] * b[k];
    rhs[i] = s;
    trace += AtA[i][i];
  }
  // Some ridge even for A = 0 (then x = x0 exactly).
  const lambda = trace > 0 ? (relRidge * trace) / n : 1;
  for (let i = 0; i < n; i++) {
    AtA[i][i] += lambda;
    rhs[i] += lambda * x0[i];
  }
  // AᵀA + λI is symmetric positive definite, so elimination cannot fail; keep a guard anyway.
  return solveLinear(AtA, rhs, 0) ?? Float64Array.from(x0);
}

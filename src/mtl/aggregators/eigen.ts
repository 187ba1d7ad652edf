/**
 * Eigendecomposition of a small symmetric matrix by the cyclic Jacobi method: rotations zero the
 * off-diagonal entries one by one until they are negligible. Accurate to rounding for every
 * eigenvalue (also the small ones Aligned-MTL and ConFIG depend on) and plenty fast for T×T.
 */

/** A = V diag(values) Vᵀ; values in descending order, column k of V (vectors[i][k]) is the k-th vector. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array[];
}

/** The eigendecomposition of the symmetric matrix A (given as rows, not modified). */
export function symmetricEigen(A: readonly Float64Array[]): SymmetricEigen {
  const n = A.length;
  const M = A.map((row) => Float64Array.from(row));
  const V = A.map((_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
  let total = 0;
  for (const row of M) for (const v of row) total += v * v;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += M[p][q] * M[p][q];
    if (!(off > 1e-32 * total)) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) rotate(M, V, p, q);
  }
  const order = Array.from(M, (_, i) => i).sort((a, b) => M[b][b] - M[a][a]);
  return {
    values: Float64Array.from(order, (i) => M[i][i]),
    vectors: V.map((row) => Float64Array.from(order, (i) => row[i])),
  };
}

/** One Jacobi rotation in the (p, q) plane that zeroes M[p][q] (Golub & Van Loan, Algorithm 8.5.1). */
function rotate(M: Float64Array[], V: Float64Array[], p: number, q: number): void {
  const apq = M[p][q];
  if (apq === 0) return;
  const tau = (M[q][q] - M[p][p]) / (2 * apq);
  const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
  const c = 1 / Math.sqrt(1 + t * t);
  const s = t * c;
  const n = M.length;
  for (let k = 0; k < n; k++) {
    const mkp = M[k][p];
    const mkq = M[k][q];
    M[k][p] = c * mkp - s * mkq;
    M[k][q] = s * mkp + c * mkq;
  }
  for (let k = 0; k < n; k++) {
    const mpk = M[p][k];
    const mqk = M[q][k];
    M[p][k] = c * mpk - s * mqk;
    M[q][k] = s * mpk + c * mqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = V[k][p];
    const vkq = V[k][q];
    V[k][p] = c * vkp - s * vkq;
    V[k][q] = s * vkp + c * vkq;
  }
}

/**
 * The Euclidean projection onto the probability simplex {w ≥ 0, Σ w = 1}: w = max(v − θ, 0) with the
 * θ that makes the sum 1, found by sorting (Duchi et al., ICML 2008; what LibMTL's MoDo and SDMGrad
 * call `_projection2simplex` and `euclidean_proj_simplex`).
 */
export function projectSimplex(v: ArrayLike<number>): Float64Array {
  const u = Float64Array.from(v).sort().reverse();
  let sum = 0;
  let theta = 0;
  for (let k = 0; k < u.length; k++) {
    sum += u[k];
    const t = (sum - 1) / (k + 1);
    // The largest k with u_k > θ_k sets θ (u is sorted, so the condition holds up to that k).
    if (u[k] > t) theta = t;
  }
  return Float64Array.from(v, (x) => Math.max(x - theta, 0));
}

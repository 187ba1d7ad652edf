/**
 * The textbook baseline: an i-k-j triple loop over Float32Array, no blocking, no packing, no
 * unrolling. Transposed operands are read through strides, as the loop stands (a naive port of
 * `C = op(A)·op(B)`), so its access pattern degrades with the transpose flags just as a
 * straightforward implementation would.
 */

/**
 * C[m,n] = op(A)[m,k] · op(B)[k,n] into a new Float32Array. A is stored [m,k] ([k,m] when
 * transA); B is stored [k,n] ([n,k] when transB). Float32 accumulation in C, like a plain loop.
 */
export function naiveMatmul(
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transA = false,
  transB = false,
): Float32Array {
  const c = new Float32Array(m * n);
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  const brs = transB ? 1 : n;
  const bcs = transB ? k : 1;
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * ars + p * acs];
      const bp = p * brs;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bcs];
    }
  }
  return c;
}

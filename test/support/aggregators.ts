/** Independent helpers for the aggregator tests: plain loops over number[][], sharing no code with the implementation. */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { AggregatorResult } from '../../src/mtl/aggregators/index.js';
import { Rng } from '../../src/tensor/rng.js';

// ---------------------------------------------------------------------------------------------
// Independent helpers: plain loops over number[][], sharing no code with the implementation.

export type Mat = number[][];

export const dotp = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
export const norm = (a: ArrayLike<number>): number => Math.sqrt(dotp(a, a));
export const sumOf = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0);
export const sumAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + Math.abs(x), 0);
export const maxRowNormSq = (J: Mat): number => Math.max(...J.map((g) => dotp(g, g)));
/** Σ_t w[t] · J[t]. */
export const combo = (J: readonly ArrayLike<number>[], w: ArrayLike<number>): number[] =>
  Array.from(J[0], (_, i) => J.reduce((s, g, t) => s + w[t] * g[i], 0));
export const meanRow = (J: Mat): number[] =>
  combo(
    J,
    J.map(() => 1 / J.length),
  );

/** |a − b| ≤ tol elementwise. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol)) {
      throw new Error(`entry ${i}: ${a[i]} vs ${b[i]} differ by more than ${tol}`);
    }
  }
}

/** Checks the contract direction = Σ weights[t] J[t], relative to the size of the terms. */
export function expectLinear(J: Mat, r: AggregatorResult, rel = 1e-9): void {
  const scale = Math.sqrt(maxRowNormSq(J)) * Math.max(1, sumAbs(r.weights));
  expectClose(r.direction, combo(J, r.weights), rel * scale + 1e-300);
}

/**
 * Smallest pivot of the Cholesky factorisation of the cosine matrix: > 0 iff the rows are
 * linearly independent, and a measure of how far from dependent they are.
 */
export function minCholeskyPivot(J: Mat): number {
  const T = J.length;
  const n = J.map(norm);
  const C = J.map((g, s) => J.map((h, t) => dotp(g, h) / (n[s] * n[t])));
  const L: Mat = C.map(() => new Array<number>(T).fill(0));
  let minPivot = Number.POSITIVE_INFINITY;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j <= i; j++) {
      let s = C[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(s > 0)) return 0;
        L[i][i] = Math.sqrt(s);
        minPivot = Math.min(minPivot, s);
      } else {
        L[i][j] = s / L[j][j];
      }
    }
  }
  return minPivot;
}

/**
 * Entries in [−10, 10], with exact zeros but no magnitudes below 1e-3. The aggregators work on
 * the Gram matrix (as the reference implementations do), whose rounding is relative to the
 * largest gradient, so rows 1e7 times shorter than others are below its resolution; extreme
 * overall scales have their own test.
 */
export const entry = fc
  .double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true })
  .map((x) => (Math.abs(x) < 1e-3 ? 0 : x));

/** Random J with T in [tMin, tMax] rows and D in [dMin, dMax] columns. */
export function matrixArb(tMin: number, tMax: number, dMin: number, dMax: number): fc.Arbitrary<Mat> {
  return fc
    .record({ T: fc.integer({ min: tMin, max: tMax }), D: fc.integer({ min: dMin, max: dMax }) })
    .chain(({ T, D }) =>
      fc.array(fc.array(entry, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
    );
}

/** Random J with T ≤ D, row norms ≥ 0.1 and rows clearly linearly independent. */
export function independentArb(tMin: number, tMax: number, dMax: number): fc.Arbitrary<Mat> {
  return fc
    .integer({ min: tMin, max: tMax })
    .chain((T) =>
      fc
        .integer({ min: T, max: dMax })
        .chain((D) =>
          fc.array(fc.array(entry, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
        ),
    )
    .filter((J) => J.every((g) => norm(g) >= 0.1) && minCholeskyPivot(J) >= 0.05);
}

/** A permutation of 0..n-1 and the rows reordered by it (row i of the result is J[perm[i]]). */
export const permutedArb = (arb: fc.Arbitrary<Mat>) =>
  arb.chain((J) =>
    fc
      .shuffledSubarray(
        J.map((_, i) => i),
        { minLength: J.length, maxLength: J.length },
      )
      .map((perm) => ({ J, perm, P: perm.map((i) => J[i]) })),
  );

/** 200 random points of the simplex (normalised exponentials: uniform on the simplex). */
export function randomSimplexPoints(T: number, seed: number, count = 200): number[][] {
  const rng = new Rng(seed);
  const out: number[][] = [];
  for (let k = 0; k < count; k++) {
    const e = Array.from({ length: T }, () => -Math.log(1 - rng.uniform()));
    const s = sumOf(e);
    out.push(e.map((x) => x / s));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

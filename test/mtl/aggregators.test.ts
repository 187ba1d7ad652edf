import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../src/errors.js';
import {
  type AggregatorResult,
  cagrad,
  gradientCosine,
  imtl,
  mgda,
  minNormWeights,
  nashMTL,
  pcgrad,
} from '../../src/mtl/aggregators/index.js';
import { Rng } from '../../src/tensor/rng.js';

// ---------------------------------------------------------------------------------------------
// Independent helpers: plain loops over number[][], sharing no code with the implementation.

type Mat = number[][];

const dotp = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>): number => Math.sqrt(dotp(a, a));
const sumOf = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x, 0);
const sumAbs = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + Math.abs(x), 0);
const maxRowNormSq = (J: Mat): number => Math.max(...J.map((g) => dotp(g, g)));
/** Σ_t w[t] · J[t]. */
const combo = (J: readonly ArrayLike<number>[], w: ArrayLike<number>): number[] =>
  Array.from(J[0], (_, i) => J.reduce((s, g, t) => s + w[t] * g[i], 0));
const meanRow = (J: Mat): number[] =>
  combo(
    J,
    J.map(() => 1 / J.length),
  );

/** |a − b| ≤ tol elementwise. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= tol)) {
      throw new Error(`entry ${i}: ${a[i]} vs ${b[i]} differ by more than ${tol}`);
    }
  }
}

/** Checks the contract direction = Σ weights[t] J[t], relative to the size of the terms. */
function expectLinear(J: Mat, r: AggregatorResult, rel = 1e-9): void {
  const scale = Math.sqrt(maxRowNormSq(J)) * Math.max(1, sumAbs(r.weights));
  expectClose(r.direction, combo(J, r.weights), rel * scale + 1e-300);
}

/**
 * Smallest pivot of the Cholesky factorisation of the cosine matrix: > 0 iff the rows are
 * linearly independent, and a measure of how far from dependent they are.
 */
function minCholeskyPivot(J: Mat): number {
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
const entry = fc
  .double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true })
  .map((x) => (Math.abs(x) < 1e-3 ? 0 : x));

/** Random J with T in [tMin, tMax] rows and D in [dMin, dMax] columns. */
function matrixArb(tMin: number, tMax: number, dMin: number, dMax: number): fc.Arbitrary<Mat> {
  return fc
    .record({ T: fc.integer({ min: tMin, max: tMax }), D: fc.integer({ min: dMin, max: dMax }) })
    .chain(({ T, D }) =>
      fc.array(fc.array(entry, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
    );
}

/** Random J with T ≤ D, row norms ≥ 0.1 and rows clearly linearly independent. */
function independentArb(tMin: number, tMax: number, dMax: number): fc.Arbitrary<Mat> {
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
const permutedArb = (arb: fc.Arbitrary<Mat>) =>
  arb.chain((J) =>
    fc
      .shuffledSubarray(
        J.map((_, i) => i),
        { minLength: J.length, maxLength: J.length },
      )
      .map((perm) => ({ J, perm, P: perm.map((i) => J[i]) })),
  );

/** 200 random points of the simplex (normalised exponentials: uniform on the simplex). */
function randomSimplexPoints(T: number, seed: number, count = 200): number[][] {
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

describe('mgda', () => {
  it('returns weights on the simplex and direction = Σ w_t g_t', () => {
    fc.assert(
      fc.property(matrixArb(1, 6, 1, 20), (J) => {
        const r = mgda(J);
        for (const w of r.weights) expect(w).toBeGreaterThanOrEqual(0);
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-12);
        expectClose(r.weights, r.simplexWeights, 0);
        expectLinear(J, r);
      }),
    );
  });

  it('satisfies the min-norm optimality condition d·g_t ≥ ||d||² for every task', () => {
    fc.assert(
      fc.property(matrixArb(2, 5, 1, 20), (J) => {
        const d = mgda(J).direction;
        const tol = 1e-6 * maxRowNormSq(J) + 1e-300;
        const dd = dotp(d, d);
        for (const g of J) expect(dotp(d, g)).toBeGreaterThanOrEqual(dd - tol);
      }),
    );
  });

  it('is no longer than any row or any of 200 random convex combinations of the rows', () => {
    fc.assert(
      fc.property(matrixArb(2, 5, 1, 20), fc.integer(), (J, seed) => {
        const dn = norm(mgda(J).direction);
        const tol = 1e-7 * Math.sqrt(maxRowNormSq(J)) + 1e-300;
        for (const g of J) expect(dn).toBeLessThanOrEqual(norm(g) + tol);
        for (const c of randomSimplexPoints(J.length, seed)) {
          expect(dn).toBeLessThanOrEqual(norm(combo(J, c)) + tol);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('T = 2: the closed form agrees with the iterative solver', () => {
    fc.assert(
      fc.property(matrixArb(2, 2, 1, 20), (J) => {
        const closed = mgda(J);
        const iterative = mgda(J, { solver: 'frank-wolfe', tol: 0 });
        const scale = Math.sqrt(maxRowNormSq(J));
        expectClose(closed.direction, iterative.direction, 1e-9 * scale + 1e-300);
        // The weights are unique unless the two rows coincide.
        const diff = norm(J[0].map((x, i) => x - J[1][i]));
        if (diff > 1e-3 * scale) expectClose(closed.weights, iterative.weights, 1e-6);
      }),
    );
  });

  it('a duplicated task does not change the min-norm direction', () => {
    fc.assert(
      fc.property(matrixArb(2, 4, 1, 10), (J) => {
        const a = mgda(J).direction;
        const b = mgda([...J, J[0]]).direction;
        expectClose(a, b, 1e-9 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
      }),
    );
  });

  it('known cases', () => {
    // Orthogonal unit vectors: the midpoint of the segment.
    expectClose(
      mgda([
        [1, 0],
        [0, 1],
      ]).weights,
      [0.5, 0.5],
      1e-15,
    );
    expectClose(
      mgda([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]).weights,
      [1 / 3, 1 / 3, 1 / 3],
      1e-12,
    );
    // (1,0) is the point of the segment to (1,1) nearest the origin.
    expectClose(
      mgda([
        [1, 0],
        [1, 1],
      ]).weights,
      [1, 0],
      0,
    );
    // e1 and 2e2: argmin (w)² + 4(1−w)² → w = 4/5.
    expectClose(
      mgda([
        [1, 0],
        [0, 2],
      ]).weights,
      [0.8, 0.2],
      1e-15,
    );
    // 'l2' normalisation: the unit vectors get 1/2 each; weights on the raw rows are λ/||g||.
    const l2 = mgda(
      [
        [2, 0],
        [0, 4],
      ],
      { normalize: 'l2' },
    );
    expectClose(l2.simplexWeights, [0.5, 0.5], 1e-15);
    expectClose(l2.weights, [0.25, 0.125], 1e-15);
    expectClose(l2.direction, [0.5, 0.5], 1e-15);
    // Opposite gradients: Pareto stationary, d = 0.
    expectClose(
      mgda([
        [1, 2],
        [-1, -2],
      ]).direction,
      [0, 0],
      1e-15,
    );
  });

  it('minNormWeights works on a Gram matrix directly', () => {
    expectClose(
      minNormWeights([
        [1, 0],
        [0, 4],
      ]),
      [0.8, 0.2],
      1e-15,
    );
    fc.assert(
      fc.property(matrixArb(3, 5, 1, 10), (J) => {
        const G = J.map((g) => J.map((h) => dotp(g, h)));
        const w = minNormWeights(G);
        const fromJ = mgda(J).direction;
        expectClose(combo(J, w), fromJ, 1e-9 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
      }),
    );
  });
});

describe('pcgrad', () => {
  it('T = 2: the projected gradients no longer conflict', () => {
    fc.assert(
      fc.property(matrixArb(2, 2, 1, 20), fc.integer(), (J, seed) => {
        const { projected } = pcgrad(J, { seed });
        const tol = 1e-9 * maxRowNormSq(J) + 1e-300;
        expect(dotp(projected[0], J[1])).toBeGreaterThanOrEqual(-tol);
        expect(dotp(projected[1], J[0])).toBeGreaterThanOrEqual(-tol);
        expect(dotp(projected[0], projected[1])).toBeGreaterThanOrEqual(-tol);
      }),
    );
  });

  it('without conflicts the direction is the plain sum and every weight is 1', () => {
    const nonNegative = fc.double({ min: 0, max: 10, noNaN: true });
    const arb = fc
      .record({ T: fc.integer({ min: 1, max: 5 }), D: fc.integer({ min: 1, max: 10 }) })
      .chain(({ T, D }) =>
        fc.array(fc.array(nonNegative, { minLength: D, maxLength: D }), { minLength: T, maxLength: T }),
      );
    fc.assert(
      fc.property(arb, fc.integer(), (J, seed) => {
        const r = pcgrad(J, { seed });
        expectClose(
          r.direction,
          combo(
            J,
            J.map(() => 1),
          ),
          0,
        );
        expectClose(
          r.weights,
          J.map(() => 1),
          0,
        );
      }),
    );
  });

  it('is deterministic for a seed, and a seeded rng gives the same result', () => {
    fc.assert(
      fc.property(matrixArb(2, 6, 1, 10), fc.integer(), (J, seed) => {
        const a = pcgrad(J, { seed });
        const b = pcgrad(J, { seed });
        const c = pcgrad(J, { rng: new Rng(seed) });
        expectClose(a.direction, b.direction, 0);
        expectClose(a.weights, b.weights, 0);
        expectClose(a.direction, c.direction, 0);
      }),
    );
  });

  it('direction = Σ weights_t g_t, and each projected row is its coefficient row times J', () => {
    fc.assert(
      fc.property(
        matrixArb(1, 6, 1, 12),
        fc.integer(),
        fc.constantFrom('sum', 'mean'),
        (J, seed, reduction) => {
          const r = pcgrad(J, { seed, reduction: reduction as 'sum' | 'mean' });
          expectLinear(J, r);
          const scale = Math.sqrt(maxRowNormSq(J));
          for (let i = 0; i < J.length; i++) {
            const bound = 1e-9 * scale * Math.max(1, sumAbs(r.coefficients[i]));
            expectClose(r.projected[i], combo(J, r.coefficients[i]), bound + 1e-300);
          }
          const sum = combo(
            r.projected,
            r.projected.map(() => (reduction === 'mean' ? 1 / J.length : 1)),
          );
          expectClose(r.direction, sum, 1e-12 * scale * J.length + 1e-300);
        },
      ),
    );
  });

  it('hand-derived two-task example', () => {
    // g1·g2 = −1: pc1 = g1 + g2/2 = (0.5, 0.5), pc2 = g2 + g1 = (0, 1).
    const r = pcgrad(
      [
        [1, 0],
        [-1, 1],
      ],
      { seed: 1 },
    );
    expectClose(r.projected[0], [0.5, 0.5], 1e-15);
    expectClose(r.projected[1], [0, 1], 1e-15);
    expectClose(r.direction, [0.5, 1.5], 1e-15);
    expectClose(r.weights, [2, 1.5], 1e-15);
    const mean = pcgrad(
      [
        [1, 0],
        [-1, 1],
      ],
      { seed: 1, reduction: 'mean' },
    );
    expectClose(mean.direction, [0.25, 0.75], 1e-15);
  });
});

describe('cagrad', () => {
  it('c = 0 gives the mean gradient under every rescale', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 10), fc.constantFrom(0, 1, 2), (J, rescale) => {
        const r = cagrad(J, { c: 0, rescale: rescale as 0 | 1 | 2 });
        expectClose(r.direction, meanRow(J), 1e-12 * Math.sqrt(maxRowNormSq(J)) + 1e-300);
        expectClose(
          r.weights,
          J.map(() => 1 / J.length),
          1e-15,
        );
      }),
    );
  });

  it('rescale 0 stays in the ball ||d − g0|| ≤ c||g0|| and maximises the worst task there', () => {
    fc.assert(
      fc.property(
        matrixArb(2, 5, 1, 8),
        fc.double({ min: 0.05, max: 3, noNaN: true }),
        fc.integer(),
        (J, c, seed) => {
          const r = cagrad(J, { c, rescale: 0 });
          expectLinear(J, r);
          const g0 = meanRow(J);
          const R = c * norm(g0);
          const scale = Math.sqrt(maxRowNormSq(J));
          const d = Array.from(r.direction);
          // d is Σ weights_t g_t in floating point: allow its rounding, which grows with Σ|weights|.
          const rounding = 1e-12 * scale * Math.max(1, sumAbs(r.weights));
          expect(norm(d.map((x, i) => x - g0[i]))).toBeLessThanOrEqual(R * (1 + 1e-9) + rounding);
          for (const w of r.simplexWeights) expect(w).toBeGreaterThanOrEqual(0);
          expect(Math.abs(sumOf(r.simplexWeights) - 1)).toBeLessThan(1e-9);

          // No point of the ball does better for the worst task: random points of the ball, and
          // small moves around d pulled back into the ball (the problem is concave, so local
          // optimality is global).
          const worst = (x: number[]) => Math.min(...J.map((g) => dotp(g, x)));
          const best = worst(d);
          const tol = 1e-7 * scale * scale + 1e-300;
          const rng = new Rng(seed);
          const D = d.length;
          for (let k = 0; k < 300; k++) {
            const u = Array.from({ length: D }, () => rng.normal());
            const un = norm(u) || 1;
            const local = k % 2 === 0;
            const base = local ? d : g0;
            const step = local ? 1e-3 * (R + scale) * rng.uniform() : R * rng.uniform() ** (1 / D);
            let x = base.map((v, i) => v + (step * u[i]) / un);
            const off = norm(x.map((v, i) => v - g0[i]));
            if (off > R) x = x.map((v, i) => g0[i] + ((v - g0[i]) * R) / off);
            expect(worst(x)).toBeLessThanOrEqual(best + tol);
          }
        },
      ),
    );
  });

  it('rescale 1 and 2 divide the rescale-0 direction by 1 + c² and 1 + c', () => {
    fc.assert(
      fc.property(matrixArb(2, 4, 1, 6), fc.double({ min: 0, max: 2, noNaN: true }), (J, c) => {
        const r0 = cagrad(J, { c, rescale: 0 });
        const d0 = r0.direction;
        const d1 = cagrad(J, { c, rescale: 1 }).direction;
        const d2 = cagrad(J, { c, rescale: 2 }).direction;
        // Each direction is its own Σ weights_t g_t: allow the rounding of those sums.
        const tol = 1e-12 * Math.sqrt(maxRowNormSq(J)) * Math.max(1, sumAbs(r0.weights)) + 1e-300;
        expectClose(
          d1,
          Array.from(d0).map((x) => x / (1 + c * c)),
          tol,
        );
        expectClose(
          d2,
          Array.from(d0).map((x) => x / (1 + c)),
          tol,
        );
      }),
    );
  });

  it('hand-derived two-task examples', () => {
    // Orthogonal unit gradients, c = 1/2: by symmetry w = (1/2, 1/2), g_w = g0 = (1/2, 1/2),
    // d = g0 + (c||g0||/||g0||) g0 = 1.5 g0.
    const sym = cagrad(
      [
        [1, 0],
        [0, 1],
      ],
      { c: 0.5, rescale: 0 },
    );
    expectClose(sym.direction, [0.75, 0.75], 1e-12);
    expectClose(sym.simplexWeights, [0.5, 0.5], 1e-9);
    expectClose(
      cagrad([
        [1, 0],
        [0, 1],
      ]).direction,
      [0.75 / 1.25, 0.75 / 1.25],
      1e-12,
    ); // default rescale 1

    // g1 = (2, 0), g2 = (0, 1): g0 = (1, 1/2), R = c·√1.25.
    // Small ball (R ≤ 1.5): the best for task 2 alone, d = g0 + R e2, still leaves task 1 ahead
    // (2·1 ≥ 1/2 + R), so d = (1, 1/2 + R) and w = (0, 1).
    const J = [
      [2, 0],
      [0, 1],
    ];
    const Rs = 0.5 * Math.sqrt(1.25);
    const small = cagrad(J, { c: 0.5, rescale: 0 });
    expectClose(small.direction, [1, 0.5 + Rs], 1e-9);
    expectClose(small.simplexWeights, [0, 1], 1e-9);
    // Large ball (c = 2, R = √5): both tasks tie, 2 d_x = d_y = v, on the sphere
    // (v/2 − 1)² + (v − 1/2)² = 5, i.e. 1.25 v² − 2 v − 3.75 = 0.
    const v = (2 + Math.sqrt(4 + 4 * 1.25 * 3.75)) / 2.5;
    expectClose(cagrad(J, { c: 2, rescale: 0 }).direction, [v / 2, v], 1e-9);
    expectClose(cagrad(J, { c: 2, rescale: 2 }).direction, [v / 6, v / 3], 1e-9);

    // Hull containing 0 (1-D, opposite signs), c = 2: g0 = −1/2, the ball [−1.5, 0.5] contains
    // d = 0, the only point where neither task gets worse.
    expectClose(cagrad([[1], [-2]], { c: 2, rescale: 0 }).direction, [0], 1e-12);
  });
});

describe('imtl', () => {
  it('the direction has equal projections on every unit gradient, and α sums to 1', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 10), (J) => {
        const r = imtl(J);
        expect(r.exact).toBe(true);
        expect(Math.abs(sumOf(r.weights) - 1)).toBeLessThan(1e-9);
        expectLinear(J, r, 1e-8);
        const proj = J.map((g) => dotp(r.direction, g) / norm(g));
        const scale = Math.max(1, ...Array.from(r.weights).map(Math.abs)) * Math.sqrt(maxRowNormSq(J));
        for (const p of proj) expect(Math.abs(p - proj[0])).toBeLessThanOrEqual(1e-7 * scale);
      }),
    );
  });

  it('hand-derived cases and fallbacks', () => {
    // e1 and 2e2: α1 = 2 α2 (equal projections), α1 + α2 = 1.
    const r = imtl([
      [1, 0],
      [0, 2],
    ]);
    expectClose(r.weights, [2 / 3, 1 / 3], 1e-15);
    expectClose(r.direction, [2 / 3, 2 / 3], 1e-15);
    // Identical gradients: singular system, equal weights, no NaN.
    const same = imtl([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(same.exact).toBe(false);
    expectClose(same.weights, [1 / 3, 1 / 3, 1 / 3], 1e-9);
    expectClose(same.direction, [1, 2], 1e-9);
    // A zero gradient gets weight 0; the others are solved without it.
    const withZero = imtl([
      [0, 0],
      [1, 0],
      [0, 2],
    ]);
    expectClose(withZero.weights, [0, 2 / 3, 1 / 3], 1e-15);
  });
});

describe('nashMTL', () => {
  it('solves α_t (Gα)_t = 1 with α > 0', () => {
    fc.assert(
      fc.property(independentArb(2, 5, 10), (J) => {
        const r = nashMTL(J);
        expect(r.converged).toBe(true);
        expectLinear(J, r, 1e-8);
        for (let t = 0; t < J.length; t++) {
          expect(r.weights[t]).toBeGreaterThan(0);
          // (Gα)_t = g_t·d with d = Σ α_s g_s.
          expect(Math.abs(r.weights[t] * dotp(J[t], combo(J, r.weights)) - 1)).toBeLessThan(1e-6);
        }
      }),
    );
  });

  it('orthogonal gradients get α_t = 1/||g_t||', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (scales, flip) => {
          const T = scales.length;
          // Scaled (possibly negated) standard basis vectors in T + 1 dimensions.
          const J = scales.map((s, t) =>
            Array.from({ length: T + 1 }, (_, i) => (i === t ? (flip ? -s : s) : 0)),
          );
          const r = nashMTL(J);
          expectClose(
            r.weights,
            scales.map((s) => 1 / s),
            1e-9 * Math.max(...scales.map((s) => 1 / s)),
          );
        },
      ),
    );
  });

  it('two tasks: α_t = 1/(||g_t|| √(1 + cos))', () => {
    // With β_t = α_t ||g_t||, the system is β_t (β_t + cos · β_s) = 1, solved by β = 1/√(1 + cos).
    const J = [
      [3, 0],
      [1, 1],
    ];
    const cos = 3 / (3 * Math.SQRT2);
    const b = 1 / Math.sqrt(1 + cos);
    expectClose(nashMTL(J).weights, [b / 3, b / Math.SQRT2], 1e-12);
  });

  it('the direction does not change when all gradients are scaled', () => {
    fc.assert(
      fc.property(independentArb(2, 4, 8), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (J, k) => {
        const a = nashMTL(J).direction;
        const b = nashMTL(J.map((g) => g.map((x) => k * x))).direction;
        expectClose(a, b, 1e-6 * (norm(a) + 1));
      }),
    );
  });

  it('reports non-convergence when no solution exists', () => {
    // g and −g: α_1 (Gα)_1 = ||g||² α_1 (α_1 − α_2) and the same with 1 ↔ 2 cannot both be 1.
    const r = nashMTL([
      [1, 2],
      [-1, -2],
    ]);
    expect(r.converged).toBe(false);
    expect(r.residual).toBeGreaterThan(1e-3);
  });
});

describe('permutation equivariance', () => {
  const cases: [string, (J: Mat) => AggregatorResult][] = [
    ['mgda', (J) => mgda(J)],
    ['cagrad', (J) => cagrad(J)],
    ['imtl', (J) => imtl(J)],
    ['nashMTL', (J) => nashMTL(J)],
  ];
  for (const [name, f] of cases) {
    it(`${name}: permuting the tasks permutes the weights`, () => {
      fc.assert(
        fc.property(permutedArb(independentArb(2, 5, 8)), ({ J, perm, P }) => {
          const a = f(J);
          const b = f(P);
          const scale = Math.max(1, ...Array.from(a.weights).map(Math.abs));
          expectClose(
            b.weights,
            perm.map((i) => a.weights[i]),
            1e-6 * scale,
          );
          expectClose(b.direction, a.direction, 1e-6 * scale * Math.sqrt(maxRowNormSq(J)));
        }),
      );
    });
  }
});

describe('extreme scales', () => {
  it('gradients of size 1e-200 or 1e200 give the same weights as size 1 (Nash-MTL: scaled by 1/k)', () => {
    fc.assert(
      fc.property(
        independentArb(2, 4, 6),
        fc.constantFrom(1e-200, 1e-160, 1e160, 1e200),
        fc.integer(),
        (J, k, seed) => {
          const K = J.map((g) => g.map((x) => x * k));
          const rel = (r: AggregatorResult) => 1e-9 * Math.max(1, sumAbs(r.weights));
          for (const f of [(m: Mat) => mgda(m), (m: Mat) => cagrad(m), (m: Mat) => imtl(m)]) {
            const a = f(J);
            expectClose(f(K).weights, a.weights, rel(a));
          }
          const p = pcgrad(J, { seed });
          expectClose(pcgrad(K, { seed }).weights, p.weights, rel(p));
          const n = nashMTL(J);
          const nk = nashMTL(K);
          expect(nk.converged).toBe(true);
          expectClose(
            Array.from(nk.weights, (w) => w * k),
            n.weights,
            1e-9 * Math.max(...Array.from(n.weights)),
          );
          expectClose(gradientCosine(K)[0], gradientCosine(J)[0], 1e-12);
        },
      ),
    );
  });
});

describe('gradientCosine', () => {
  it('is the symmetric matrix of pairwise cosines, 0 for zero rows', () => {
    fc.assert(
      fc.property(matrixArb(1, 5, 1, 10), (J) => {
        const C = gradientCosine(J);
        expect(C.length).toBe(J.length);
        for (let s = 0; s < J.length; s++) {
          for (let t = 0; t < J.length; t++) {
            const ns = norm(J[s]);
            const nt = norm(J[t]);
            const expected = ns === 0 || nt === 0 ? 0 : s === t ? 1 : dotp(J[s], J[t]) / (ns * nt);
            expect(Math.abs(C[s][t] - expected)).toBeLessThanOrEqual(1e-12);
            expect(C[s][t]).toBe(C[t][s]);
            expect(Math.abs(C[s][t])).toBeLessThanOrEqual(1);
          }
        }
      }),
    );
    const C = gradientCosine([
      [1, 0],
      [0, 0],
      [-1, 1],
    ]);
    expectClose(C[0], [1, 0, -Math.SQRT1_2], 1e-15);
    expectClose(C[1], [0, 0, 0], 0);
  });
});

describe('inputs', () => {
  const fns: [string, (J: never) => unknown][] = [
    ['mgda', mgda as (J: never) => unknown],
    ['pcgrad', pcgrad as (J: never) => unknown],
    ['cagrad', cagrad as (J: never) => unknown],
    ['imtl', imtl as (J: never) => unknown],
    ['nashMTL', nashMTL as (J: never) => unknown],
    ['gradientCosine', gradientCosine as (J: never) => unknown],
  ];
  for (const [name, f] of fns) {
    it(`${name}: rejects empty, ragged and non-finite J with named errors`, () => {
      const call = (J: unknown) => () => f(J as never);
      expect(call([])).toThrow(ShapeError);
      expect(call([])).toThrow(new RegExp(`^${name}: .*at least 1 row`));
      expect(call([[]])).toThrow(ShapeError);
      expect(call([[1, 2], [3]])).toThrow(ShapeError);
      expect(call([[1, 2], [3]])).toThrow(new RegExp(`^${name}: .*row 1 has length 1`));
      expect(call([[1, Number.NaN]])).toThrow(ValueError);
      expect(call([[1, Number.NaN]])).toThrow(new RegExp(`^${name}: J\\[0\\]\\[1\\] is NaN`));
      expect(call([[Number.POSITIVE_INFINITY]])).toThrow(ValueError);
      expect(call({ shape: [2, 2], data: new Float32Array(3) })).toThrow(ShapeError);
      expect(call({ shape: [0, 2], data: new Float32Array(0) })).toThrow(ShapeError);
      expect(call({ shape: [4], data: new Float32Array(4) })).toThrow(ShapeError);
      expect(call({ shape: [1, 2], data: Float64Array.of(1, Number.NaN) })).toThrow(ValueError);
      expect(call(null)).toThrow(ValueError);
    });
  }

  it('accepts a [T, D] tensor and typed rows, and never modifies the input', () => {
    const rows = [
      [1, -2, 0.5],
      [-1, 0.25, 2],
      [0.5, 1, -1],
    ];
    const data = new Float32Array(rows.flat());
    const tensor = { shape: [3, 3], data };
    const typed = rows.map((r) => Float64Array.from(r));
    for (const f of [mgda, cagrad, imtl, nashMTL] as ((J: never) => AggregatorResult)[]) {
      const a = f(rows as never);
      expectClose(f(tensor as never).direction, a.direction, 1e-12);
      expectClose(f(typed as never).direction, a.direction, 1e-12);
    }
    const p = pcgrad(tensor, { seed: 3 });
    expectClose(pcgrad(rows, { seed: 3 }).direction, p.direction, 1e-12);
    expect(Array.from(data)).toEqual(rows.flat());
    expect(typed.map((r) => Array.from(r))).toEqual(rows);
  });

  it('rejects bad options', () => {
    const J = [
      [1, 0],
      [0, 1],
    ];
    expect(() => cagrad(J, { c: -1 })).toThrow(ValueError);
    expect(() => cagrad(J, { rescale: 3 as 0 })).toThrow(/^cagrad: rescale/);
    expect(() => mgda(J, { normalize: 'loss' as 'l2' })).toThrow(/^mgda: normalize/);
    expect(() => mgda(J, { maxIter: -1 })).toThrow(ValueError);
    expect(() => nashMTL(J, { maxIter: 1.5 })).toThrow(/^nashMTL: maxIter/);
    expect(() => pcgrad(J, { reduction: 'max' as 'sum' })).toThrow(ValueError);
    expect(() => pcgrad(J, { seed: Number.NaN })).toThrow(ValueError);
    expect(() => minNormWeights([[1, 0]])).toThrow(ShapeError);
    expect(() => minNormWeights([])).toThrow(ShapeError);
  });
});

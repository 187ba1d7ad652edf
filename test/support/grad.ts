/** Shared helpers for the gradient property tests. */
import fc from 'fast-check';
import { noGrad, Tensor } from '../../src/index.js';
import { type GradcheckOptions, gradcheck } from '../../src/testing/index.js';

/** Small property runs: the whole suite must stay fast. */
export const RUNS = 25;

/**
 * Runs gradcheck (float64 defaults unless overridden) and throws a readable error on failure, so
 * that fast-check shrinks to and prints the failing case.
 */
export function expectGradOk(
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): void {
  const report = gradcheck(fn, inputs, options);
  if (!report.pass) {
    const shapes = inputs.map((t) => `[${t.shape.join(',')}]`).join(', ');
    throw new Error(
      `gradcheck failed for inputs ${shapes}: ${report.failures}/${report.checked} entries; worst ${JSON.stringify(report.worst)}`,
    );
  }
  // The whole Jacobian must have been compared (a check that compared nothing passes vacuously).
  const outSize = noGrad(() => fn(...inputs)).size;
  const expected = inputs.reduce((n, t) => n + t.size, 0) * outSize;
  if (report.checked !== expected)
    throw new Error(`gradcheck compared ${report.checked} entries, expected ${expected}`);
}

/** Float64 tensor of `shape` from plain values. */
export function f64(values: readonly number[], shape: readonly number[], requiresGrad = false): Tensor {
  return new Tensor(Float64Array.from(values), shape, requiresGrad);
}

/** A shape with rank and dims in range. */
export function shapeArb(minRank = 0, maxRank = 3, minDim = 1, maxDim = 4): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * `n` distinct values, pairwise at least 2e-3 apart (integers / 500), so that max/min and
 * maximum/minimum have no ties, and finite differences with eps 1e-6 never cross one.
 */
export function distinctValues(n: number, range = 1000): fc.Arbitrary<number[]> {
  return fc
    .uniqueArray(fc.integer({ min: -range, max: range }), { minLength: n, maxLength: n })
    .map((v) => v.map((x) => x / 500));
}

/** A float64 tensor whose elements are pairwise distinct (no ties). */
export function distinctTensor(shape: fc.Arbitrary<number[]> = shapeArb()): fc.Arbitrary<Tensor> {
  return shape.chain((s) => {
    let n = 1;
    for (const d of s) n *= d;
    return distinctValues(n).map((v) => f64(v, s));
  });
}

export interface AxisChoice {
  axis: number | number[] | undefined;
  keepDims: boolean;
}

/** An axis argument for a reduction over a tensor of `rank`: undefined, one axis, or a list (negatives included). */
export function axisArb(rank: number): fc.Arbitrary<AxisChoice> {
  const all = Array.from({ length: rank }, (_, i) => i);
  const single: fc.Arbitrary<number | number[] | undefined> =
    rank > 0 ? fc.integer({ min: -rank, max: rank - 1 }) : fc.constant(undefined);
  const list: fc.Arbitrary<number | number[] | undefined> = fc
    .shuffledSubarray(all)
    .chain((sub) =>
      fc
        .array(fc.boolean(), { minLength: sub.length, maxLength: sub.length })
        .map((neg) => sub.map((a, i) => (neg[i] ? a - rank : a))),
    );
  return fc.record({
    axis: fc.oneof(fc.constant(undefined), single, list),
    keepDims: fc.boolean(),
  });
}

/** Normalised, sorted axes of an AxisChoice (undefined = all). */
export function resolveAxes(axis: number | number[] | undefined, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return list.map((a) => (a < 0 ? a + rank : a)).sort((x, y) => x - y);
}

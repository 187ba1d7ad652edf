/**
 * fast-check arbitraries for shapes and tensors. fast-check is not a dependency of mtlgrad: pass
 * your copy in (`tensorArbitraries(fc)`), so the library keeps zero runtime dependencies and your
 * tests use the fast-check version you pinned.
 */
import type * as FC from 'fast-check';
import { Tensor } from '../autograd/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { allocate } from '../tensor/dtype.js';
import { sizeOf } from '../tensor/shape.js';

/** Limits of the shapes {@link tensorArbitraries} generates. */
export interface ShapeConstraints {
  minRank?: number;
  maxRank?: number;
  minDim?: number;
  maxDim?: number;
}

/** Limits of the tensors {@link tensorArbitraries} generates: shape, value range, dtype. */
export interface TensorConstraints extends ShapeConstraints {
  /** A fixed shape (otherwise drawn from the shape constraints). */
  shape?: readonly number[];
  dtype?: DType;
  min?: number;
  max?: number;
  /**
   * Points where the function under test has a kink (relu and abs at 0, clamp at its bounds):
   * values closer than `kinkMargin` to one are pushed away, so finite differences stay valid.
   */
  avoid?: readonly number[];
  kinkMargin?: number;
  requiresGrad?: boolean;
}

/** The fast-check arbitraries {@link tensorArbitraries} returns. */
export interface TensorArbitraries {
  /** A shape with rank and dimensions in the given ranges (defaults: rank 0–3, dims 1–4). */
  shape(c?: ShapeConstraints): FC.Arbitrary<number[]>;
  /** A tensor with finite values in [min, max] (default [-2, 2], float64). */
  tensor(c?: TensorConstraints): FC.Arbitrary<Tensor>;
  /** Two shapes that broadcast together (some dims 1, some leading dims missing). */
  broadcastShapes(c?: ShapeConstraints): FC.Arbitrary<[number[], number[]]>;
  /** Two tensors whose shapes broadcast together. */
  broadcastTensors(c?: TensorConstraints): FC.Arbitrary<[Tensor, Tensor]>;
}

/** Builds the arbitraries from your fast-check module: `tensorArbitraries(fc)`. */
/** The parts of fast-check the arbitraries use (matches both `import fc from` and `import * as fc from`). */
export type FastCheck = Pick<typeof FC, 'array' | 'integer' | 'double' | 'constant' | 'tuple' | 'boolean'>;

/**
 * fast-check arbitraries of shapes and tensors, built on the fast-check you pass (a peer dependency, not
 * bundled).
 */
export function tensorArbitraries(fc: FastCheck): TensorArbitraries {
  const shape = (c: ShapeConstraints = {}) =>
    fc.array(fc.integer({ min: c.minDim ?? 1, max: c.maxDim ?? 4 }), {
      minLength: c.minRank ?? 0,
      maxLength: c.maxRank ?? 3,
    });

  const values = (n: number, c: TensorConstraints) =>
    fc.array(fc.double({ min: c.min ?? -2, max: c.max ?? 2, noNaN: true, noDefaultInfinity: true }), {
      minLength: n,
      maxLength: n,
    });

  const build = (s: readonly number[], vals: number[], c: TensorConstraints): Tensor => {
    const data = allocate(c.dtype ?? 'float64', sizeOf(s));
    const margin = c.kinkMargin ?? 1e-3;
    for (let i = 0; i < data.length; i++) {
      let v = vals[i];
      for (const k of c.avoid ?? []) {
        // Push the value out of the margin, on the side it already lies on.
        if (Math.abs(v - k) < margin) v = v >= k ? k + margin : k - margin;
      }
      data[i] = v;
    }
    return new Tensor(data, s, c.requiresGrad === true);
  };

  const tensorOf = (c: TensorConstraints = {}) => {
    const shapes = c.shape ? fc.constant(c.shape.slice()) : shape(c);
    return shapes.chain((s) => values(sizeOf(s), c).map((v) => build(s, v, c)));
  };

  const broadcastShapes = (c: ShapeConstraints = {}) =>
    shape({ ...c, minRank: c.minRank ?? 1 }).chain((full) =>
      fc
        .tuple(
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          fc.integer({ min: 0, max: full.length }),
          fc.integer({ min: 0, max: full.length }),
        )
        .map(([onesA, onesB, dropA, dropB]) => {
          // Set some dims to 1 on each side (never the same dim on both, so the full shape stays
          // reachable), then drop some leading dims.
          const a = full.map((d, i) => (onesA[i] ? 1 : d));
          const b = full.map((d, i) => (onesB[i] && !onesA[i] ? 1 : d));
          return [a.slice(Math.min(dropA, a.length)), b.slice(Math.min(dropB, b.length))] as [
            number[],
            number[],
          ];
        }),
    );

  const broadcastTensors = (c: TensorConstraints = {}) =>
    broadcastShapes(c).chain(([sa, sb]) =>
      fc
        .tuple(values(sizeOf(sa), c), values(sizeOf(sb), c))
        .map(([va, vb]) => [build(sa, va, c), build(sb, vb, c)] as [Tensor, Tensor]),
    );

  return { shape, tensor: tensorOf, broadcastShapes, broadcastTensors };
}

import { describe, expect, it } from 'vitest';
import { ShapeError, ValueError } from '../../../src/errors.js';
import {
  type AggregatorResult,
  cagrad,
  gradientCosine,
  imtl,
  mgda,
  minNormWeights,
  nashMTL,
  pcgrad,
} from '../../../src/mtl/aggregators/index.js';
import { expectClose } from '../../support/aggregators.js';

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

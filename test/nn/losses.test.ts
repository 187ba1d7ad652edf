/** Losses: gradient checks for every option, mask semantics, shape rules and errors. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { ShapeError, ValueError } from '../../src/errors.js';
import {
  binaryCrossEntropyWithLogits,
  crossEntropy,
  huber,
  l1,
  mse,
  type Reduction,
  smoothL1,
} from '../../src/nn/index.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { arb, f64Of, fc, RUNS } from './helpers.js';

const reductions: Reduction[] = ['mean', 'sum', 'none'];
const reduction = fc.constantFrom(...reductions);

/** logits [N, C] with labels, an optional mask and class weights. */
const ceCase = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })).chain(([n, c]) =>
  fc.record({
    logits: arb.tensor({ shape: [n, c], min: -4, max: 4 }),
    labels: fc.array(fc.integer({ min: 0, max: c - 1 }), { minLength: n, maxLength: n }),
    mask: fc.option(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { nil: undefined }),
    weight: fc.option(
      fc.array(fc.double({ min: 0.1, max: 3, noNaN: true }), { minLength: c, maxLength: c }),
      {
        nil: undefined,
      },
    ),
    labelSmoothing: fc.constantFrom(0, 0.1, 0.35, 1),
    reduction,
  }),
);

describe('crossEntropy', () => {
  it('gradcheck w.r.t. the logits: weights, smoothing, masks, every reduction', () => {
    fc.assert(
      fc.property(ceCase, ({ logits, labels, ...options }) => {
        assertGradcheck((x) => crossEntropy(x, labels, options), [logits]);
      }),
      { numRuns: 60 },
    );
  });

  it('is stable for logits of ±1e4 (gradcheck still holds)', () => {
    const x = f64Of([1e4, -1e4, 0, 5e3, -1e4, 1e4], [2, 3]);
    const loss = crossEntropy(x, [1, 0]);
    expect(Number.isFinite(loss.item())).toBe(true);
    // Row 0: lse = 1e4, loss 1e4 − (−1e4) = 2e4; row 1: lse = 1e4, loss 1e4 − 5e3 = 5e3.
    expect(loss.item()).toBeCloseTo((2e4 + 5e3) / 2, 9);
    assertGradcheck((x) => crossEntropy(x, [1, 0], { labelSmoothing: 0.2 }), [x]);
  });

  it('accepts labels as number[], Int32Array, Float32Array, Float64Array or a Tensor', () => {
    const x = f64Of([0.1, 0.2, 0.3, 1, -1, 0.5], [2, 3]);
    const ref = crossEntropy(x, [2, 0]).item();
    for (const labels of [
      Int32Array.from([2, 0]),
      Float32Array.from([2, 0]),
      Float64Array.from([2, 0]),
      f64Of([2, 0], [2]),
    ]) {
      expect(crossEntropy(x, labels).item()).toBe(ref);
    }
  });

  it('a label out of range on a kept row is a ValueError naming the row, the value and the range', () => {
    const x = f64Of(
      Array.from({ length: 12 }, (_, i) => i / 10),
      [4, 3],
    );
    expect(() => crossEntropy(x, [0, 1, 2, 3])).toThrow(ValueError);
    expect(() => crossEntropy(x, [0, 1, 2, 3])).toThrow(/label 3 at row 3 .*\[0, 3\)/);
    expect(() => crossEntropy(x, [0, -1, 2, 0])).toThrow(/row 1/);
    expect(() => crossEntropy(x, [0, 1.5, 2, 0])).toThrow(/label 1.5 at row 1/);
    expect(() => crossEntropy(x, [0, Number.NaN, 2, 0])).toThrow(/label NaN at row 1/);
    // The same labels on masked rows are fine.
    expect(() => crossEntropy(x, [0, Number.NaN, 2, 3], { mask: [true, false, true, false] })).not.toThrow();
  });

  it('checks shapes and options', () => {
    const x = f64Of([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(() => crossEntropy(f64Of([1, 2, 3], [3]), [0])).toThrow(ShapeError);
    expect(() => crossEntropy(x, [0])).toThrow(/1 labels for 2 rows/);
    expect(() => crossEntropy(x, f64Of([0, 1], [2, 1]))).toThrow(ShapeError);
    expect(() => crossEntropy(x, [0, 1], { mask: [true] })).toThrow(/mask has 1 entries/);
    expect(() => crossEntropy(x, [0, 1], { mask: [1, 2] })).toThrow(/mask entry 1/);
    expect(() => crossEntropy(x, [0, 1], { weight: [1, 2] })).toThrow(/weight has 2 entries, expected 3/);
    expect(() => crossEntropy(x, [0, 1], { labelSmoothing: 1.5 })).toThrow(ValueError);
    expect(() => crossEntropy(x, [0, 1], { reduction: 'avg' as Reduction })).toThrow(/reduction/);
  });

  it('"none" gives per-row losses with masked rows at 0', () => {
    const x = f64Of([1, 2, 3, 4, 5, 6, 0, 0, 0], [3, 3]);
    const per = crossEntropy(x, [0, 1, 2], { reduction: 'none', mask: [true, false, true] });
    expect(per.shape).toEqual([3]);
    expect(per.data[1]).toBe(0);
    expect(per.data[2]).toBeCloseTo(Math.log(3), 14);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  const bceCase = fc
    .tuple(fc.integer({ min: 1, max: 4 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }))
    .chain(([n, k]) => {
      const shape = k === undefined ? [n] : [n, k];
      const last = shape[shape.length - 1];
      return fc.record({
        logits: arb.tensor({ shape, min: -6, max: 6 }),
        targets: arb.tensor({ shape, min: 0, max: 1 }),
        posWeight: fc.option(
          fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: last, maxLength: last }),
          {
            nil: undefined,
          },
        ),
        weight: fc.option(
          fc.array(fc.double({ min: 0.2, max: 3, noNaN: true }), { minLength: last, maxLength: last }),
          {
            nil: undefined,
          },
        ),
        mask: fc.option(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { nil: undefined }),
        reduction,
      });
    });

  it('gradcheck w.r.t. the logits: soft targets, posWeight, weight, masks, every reduction', () => {
    fc.assert(
      fc.property(bceCase, ({ logits, targets, ...options }) => {
        assertGradcheck((x) => binaryCrossEntropyWithLogits(x, targets, options), [logits]);
      }),
      { numRuns: 60 },
    );
  });

  it('is stable for huge logits: max(x,0) − x·t + log1p(e^−|x|)', () => {
    const x = f64Of([1e4, -1e4, 800, -800], [4]);
    const t = [0, 1, 1, 0];
    const per = binaryCrossEntropyWithLogits(x, t, { reduction: 'none' });
    expect(Array.from(per.data)).toEqual([1e4, 1e4, 0, 0]);
    assertGradcheck((x) => binaryCrossEntropyWithLogits(x, t), [x]);
  });

  it('shape rule: same shape, or [N] with [N,1]; arrays need one value per element', () => {
    const x = f64Of([0.5, -0.5, 2], [3, 1]);
    const a = binaryCrossEntropyWithLogits(x, f64Of([1, 0, 1], [3])).item();
    expect(binaryCrossEntropyWithLogits(x, [1, 0, 1]).item()).toBe(a);
    expect(binaryCrossEntropyWithLogits(f64Of([0.5, -0.5, 2], [3]), f64Of([1, 0, 1], [3, 1])).item()).toBe(a);
    expect(() => binaryCrossEntropyWithLogits(x, f64Of([1, 0, 1, 0, 1, 0], [3, 2]))).toThrow(ShapeError);
    expect(() => binaryCrossEntropyWithLogits(x, [1, 0])).toThrow(/2 values/);
    expect(() => binaryCrossEntropyWithLogits(x, [1, 0, 2])).toThrow(/target 2 at element 2 \(row 2\)/);
  });
});

describe('regression losses', () => {
  /** Predictions and targets with p − t kept away from the kinks at 0 and ±k. */
  const regCase = (kinks: number[]) =>
    fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }))
      .chain(([n, k]) => {
        const shape = k === undefined ? [n] : [n, k];
        return fc.record({
          pred: arb.tensor({ shape }),
          diff: arb.tensor({ shape, min: -3, max: 3, avoid: kinks, kinkMargin: 1e-3 }),
          mask: fc.option(fc.array(fc.boolean(), { minLength: n, maxLength: n }), { nil: undefined }),
          reduction,
        });
      });

  const cases: [
    string,
    (p: Tensor, t: Tensor, o: { reduction: Reduction; mask?: boolean[] }) => Tensor,
    number[],
  ][] = [
    ['mse', (p, t, o) => mse(p, t, o), []],
    ['l1', (p, t, o) => l1(p, t, o), [0]],
    ['huber δ=1', (p, t, o) => huber(p, t, o), [0, -1, 1]],
    ['huber δ=0.5', (p, t, o) => huber(p, t, { ...o, delta: 0.5 }), [0, -0.5, 0.5]],
    ['smoothL1 β=1', (p, t, o) => smoothL1(p, t, o), [0, -1, 1]],
    ['smoothL1 β=0.3', (p, t, o) => smoothL1(p, t, { ...o, beta: 0.3 }), [0, -0.3, 0.3]],
    ['smoothL1 β=0 (= l1)', (p, t, o) => smoothL1(p, t, { ...o, beta: 0 }), [0]],
  ];

  for (const [name, loss, kinks] of cases) {
    it(`gradcheck: ${name} w.r.t. predictions and a Tensor target, masks, every reduction`, () => {
      fc.assert(
        fc.property(regCase(kinks), ({ pred, diff, mask, reduction }) => {
          const target = new Tensor(pred.data.map((v, i) => v - diff.data[i]) as Float64Array, pred.shape);
          assertGradcheck((p, t) => loss(p, t, { reduction, mask }), [pred, target]);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('array targets are data (no gradient flows to them); NaN targets on kept rows are an error', () => {
    const p = f64Of([1, 2, 3, 4], [2, 2], true);
    const loss = mse(p, [0, 0, 0, 0]);
    expect(loss.item()).toBe(30 / 4);
    loss.backward();
    expect(Array.from(p.grad!.data)).toEqual([0.5, 1, 1.5, 2]);
    expect(() => mse(p, [0, 0, Number.NaN, 0])).toThrow(/target NaN at element 2 \(row 1\)/);
  });

  it('[N,1] predictions pair with [N] targets element by element (no broadcast to [N,N])', () => {
    const p = f64Of([1, 2, 3], [3, 1]);
    expect(mse(p, f64Of([1, 2, 4], [3])).item()).toBeCloseTo(1 / 3, 15);
    expect(mse(p, f64Of([1, 2, 4], [3]), { reduction: 'none' }).shape).toEqual([3, 1]);
    expect(() => mse(p, f64Of([1, 2, 4, 5, 6, 7], [3, 2]))).toThrow(/shapes must match/);
  });

  it('checks delta and beta', () => {
    const p = f64Of([1], [1]);
    expect(() => huber(p, [0], { delta: 0 })).toThrow(ValueError);
    expect(() => smoothL1(p, [0], { beta: -1 })).toThrow(ValueError);
  });
});

describe('masks', () => {
  /** Rows of `x` (rank ≥ 1) selected by keep, as a new float64 tensor. */
  function subset(x: Tensor, keep: boolean[]): Tensor {
    const per = x.size / x.shape[0];
    const out: number[] = [];
    keep.forEach((k, r) => {
      if (k) for (let j = 0; j < per; j++) out.push(x.data[r * per + j]);
    });
    return f64Of(out, [keep.filter(Boolean).length, ...x.shape.slice(1)], true);
  }

  /** Same value, and the same gradient on kept rows (exactly), zero gradient on masked rows. */
  function expectSameAsSubset(
    x: Tensor,
    keep: boolean[],
    full: (x: Tensor) => Tensor,
    sub: (x: Tensor, rows: number[]) => Tensor,
  ): void {
    const xf = new Tensor(x.data.slice(), x.shape, true);
    const lf = full(xf);
    const rows = keep.flatMap((k, r) => (k ? [r] : []));
    const xs = subset(x, keep);
    const ls = sub(xs, rows);
    expect(Number.isFinite(lf.item())).toBe(true);
    expect(lf.item()).toBe(ls.item());
    lf.backward();
    ls.backward();
    const per = x.size / x.shape[0];
    let k = 0;
    keep.forEach((kept, r) => {
      for (let j = 0; j < per; j++) {
        const g = xf.grad!.data[r * per + j];
        if (kept) expect(g).toBe(xs.grad!.data[k * per + j]);
        else expect(g).toBe(0);
        expect(Number.isFinite(g)).toBe(true);
      }
      if (kept) k++;
    });
  }

  const maskCase = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      c: fc.integer({ min: 1, max: 4 }),
      keep: fc.array(fc.boolean(), { minLength: n, maxLength: n }).filter((k) => k.some(Boolean)),
      seed: fc.integer({ min: 0, max: 1000 }),
      red: fc.constantFrom<Reduction>('mean', 'sum'),
    }),
  );

  /** Deterministic values; masked rows get NaN/±Infinity logits and NaN labels. */
  function data(n: number, c: number, seed: number, keep: boolean[]) {
    const logits: number[] = [];
    const labels: number[] = [];
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < c; j++)
        logits.push(keep[r] ? Math.sin(seed + r * c + j) * 3 : [Number.NaN, Infinity, -Infinity][j % 3]);
      labels.push(keep[r] ? (seed + r) % c : Number.NaN);
    }
    return { logits, labels };
  }

  it('crossEntropy: NaN labels and non-finite logits on masked rows → exactly the loss and gradient of the kept subset', () => {
    fc.assert(
      fc.property(
        maskCase,
        fc.boolean(),
        fc.constantFrom(0, 0.1),
        ({ n, c, keep, seed, red }, weighted, eps) => {
          const { logits, labels } = data(n, c, seed, keep);
          const weight = weighted ? Array.from({ length: c }, (_, i) => 0.5 + i) : undefined;
          const opts = { reduction: red, weight, labelSmoothing: eps };
          expectSameAsSubset(
            f64Of(logits, [n, c]),
            keep,
            (x) => crossEntropy(x, labels, { ...opts, mask: keep }),
            (x, rows) =>
              crossEntropy(
                x,
                rows.map((r) => labels[r]),
                opts,
              ),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('binaryCrossEntropyWithLogits and the regression losses: masked NaN targets → the kept subset exactly', () => {
    fc.assert(
      fc.property(maskCase, ({ n, c, keep, seed, red }) => {
        const { logits } = data(n, c, seed, keep);
        const targets = logits.map((_, i) =>
          keep[Math.floor(i / c)] ? ((i * 7 + seed) % 10) / 10 : Number.NaN,
        );
        const pick = (rows: number[]) => rows.flatMap((r) => targets.slice(r * c, (r + 1) * c));
        const x = f64Of(logits, [n, c]);
        expectSameAsSubset(
          x,
          keep,
          (x) => binaryCrossEntropyWithLogits(x, targets, { reduction: red, mask: keep, posWeight: [2] }),
          (x, rows) => binaryCrossEntropyWithLogits(x, pick(rows), { reduction: red, posWeight: [2] }),
        );
        for (const loss of [mse, l1, huber, smoothL1]) {
          expectSameAsSubset(
            x,
            keep,
            (x) => loss(x, targets, { reduction: red, mask: keep }),
            (x, rows) => loss(x, pick(rows), { reduction: red }),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('mean with class weights divides by the kept rows’ weight sum', () => {
    const x = f64Of([1, 0, 0, 1, 0.5, 0.5], [3, 2]);
    const w = [2, 3];
    const lp = (a: number, b: number) => a - Math.log(Math.exp(a) + Math.exp(b));
    const expected = (-2 * lp(1, 0) - 3 * lp(0.5, 0.5)) / (2 + 3);
    const got = crossEntropy(x, [0, 0, 1], { weight: w, mask: [true, false, true] }).item();
    expect(got).toBeCloseTo(expected, 15);
  });

  it('all rows masked → 0 with a zero gradient (not NaN), for every loss and reduction', () => {
    const x = f64Of([Number.NaN, 1, 2, Infinity], [2, 2], true);
    const mask = new Uint8Array(2);
    for (const reduction of reductions) {
      const losses = [
        crossEntropy(x, [Number.NaN, 7], { reduction, mask, weight: [1, 2] }),
        binaryCrossEntropyWithLogits(x, [Number.NaN, 0, 1, 5], { reduction, mask }),
        mse(x, [Number.NaN, 0, 0, 0], { reduction, mask }),
        huber(x, [Number.NaN, 0, 0, 0], { reduction, mask }),
      ];
      for (const l of losses) {
        x.grad = null;
        expect(Array.from(l.data).every((v) => v === 0)).toBe(true);
        l.sum().backward();
        expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0]);
      }
    }
  });

  it('accepts boolean[], Uint8Array, Float32Array and number[] masks alike', () => {
    const x = f64Of([1, 2, 3, 4, 5, 6], [3, 2]);
    const ref = crossEntropy(x, [0, 1, 1], { mask: [true, false, true] }).item();
    for (const mask of [Uint8Array.from([1, 0, 1]), Float32Array.from([1, 0, 1]), [1, 0, 1]]) {
      expect(crossEntropy(x, [0, 1, 1], { mask }).item()).toBe(ref);
    }
  });
});

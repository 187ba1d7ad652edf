/**
 * The engine's GradSums: a backward rule may add its gradient into the sum the engine already owns
 * for an input (`into`), or take over a sum still kept as scale·base (`takeScaled`, the L2
 * penalty's λ·w). Checked on hand-written ops (what is offered, and when nothing is), and on the
 * ops that use them (Linear, the L2 penalty): gradcheck in float64, and in float32 against the same
 * graph built from ops that use neither (matmul, add, sum of squares).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freshGrad, scaledGrad } from '../../src/autograd/engine.js';
import {
  add,
  defineOp,
  getBackend,
  matmul,
  mul,
  randn,
  relu,
  setBackend,
  sum,
  Tensor,
} from '../../src/index.js';
import { linear } from '../../src/nn/index.js';
import { l2Penalty } from '../../src/optim/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { expectGradOk } from '../support/grad.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

/** y = 2x, whose backward hands the engine a fresh array for x (so the engine owns the sum). */
function doubleFresh(x: Tensor): Tensor {
  const out = x.data.map((v) => 2 * v);
  return defineOp('doubleFresh', out, x.shape, [x], (g) => [
    freshGrad(
      g.data.map((v) => 2 * v),
      x.shape,
    ),
  ]);
}

/** y = 3x, whose backward records what `into` offered and then adds 3g into it when offered. */
function tripleInto(x: Tensor, seen: (Float32Array | Float64Array | null)[]): Tensor {
  const out = x.data.map((v) => 3 * v);
  return defineOp('tripleInto', out, x.shape, [x], (g, sums) => {
    const sum = sums?.into(0) ?? null;
    seen.push(sum === null ? null : sum.slice());
    if (sum === null)
      return [
        new Tensor(
          g.data.map((v) => 3 * v),
          x.shape,
        ),
      ];
    for (let i = 0; i < sum.length; i++) sum[i] += 3 * g.data[i];
    return [new Tensor(sum, x.shape)];
  });
}

describe('GradSums.into in a hand-written op', () => {
  it('offers the sum of the gradients already received when the engine owns it', () => {
    const x = new Tensor(Float64Array.from([1, -2, 4]), [3], true);
    const seen: (Float32Array | Float64Array | null)[] = [];
    // The second term's backward runs first (reverse order), so the fresh 2·1 is there when tripleInto runs.
    const loss = add(sum(tripleInto(x, seen)), sum(doubleFresh(x)));
    loss.backward();
    expect(seen).toHaveLength(1);
    expect(Array.from(seen[0] ?? [])).toEqual([2, 2, 2]);
    expect(Array.from(x.grad!.data)).toEqual([5, 5, 5]);
  });

  it('offers nothing for a borrowed gradient (one another tensor holds) or a first contribution', () => {
    const x = new Tensor(Float64Array.from([1, 2]), [2], true);
    const seen: (Float32Array | Float64Array | null)[] = [];
    // sum's backward hands x a gradient the engine does not own; tripleInto alone gets nothing.
    add(sum(tripleInto(x, seen)), sum(x)).backward();
    expect(seen).toEqual([null]);
    expect(Array.from(x.grad!.data)).toEqual([4, 4]);
  });
});

/** y = c·x (a constant c), whose backward hands the engine the scaled gradient c·g unmultiplied. */
function scaleLazy(x: Tensor, c: number): Tensor {
  return defineOp(
    'scaleLazy',
    x.data.map((v) => c * v),
    x.shape,
    [x],
    (g) => [scaledGrad(c, g.data, x.shape)],
  );
}

/** y = x, whose backward takes over a pending scaled sum for x, if any, and adds g to it. */
function takeOver(x: Tensor, taken: (number | null)[]): Tensor {
  return defineOp('takeOver', x.data.slice(), x.shape, [x], (g, sums) => {
    const s = sums?.takeScaled(0) ?? null;
    taken.push(s === null ? null : s.scale);
    const out = g.data.slice();
    if (s !== null) for (let i = 0; i < out.length; i++) out[i] += s.scale * s.base[i];
    return [freshGrad(out, x.shape)];
  });
}

describe('GradSums.takeScaled and scaled gradients', () => {
  const x0 = [1.5, -2, 0.25];

  it('a scaled gradient alone is multiplied out exactly into .grad', () => {
    const x = new Tensor(Float64Array.from(x0), [3], true);
    sum(scaleLazy(x, 0.3)).backward();
    expect(Array.from(x.grad!.data)).toEqual([0.3, 0.3, 0.3]);
  });

  it('is offered to the next op that reaches the input, which then owns it', () => {
    const x = new Tensor(Float64Array.from(x0), [3], true);
    const taken: (number | null)[] = [];
    // Reverse order: scaleLazy's backward runs first, then takeOver's finds its scaled sum.
    add(sum(takeOver(x, taken)), sum(scaleLazy(x, 0.3))).backward();
    expect(taken).toEqual([0.3]);
    expect(Array.from(x.grad!.data)).toEqual([1.3, 1.3, 1.3]);
  });

  it('meets other gradients in any order, and float32 products round as stored gradients would', () => {
    const c = Math.fround(0.1);
    const x = new Tensor(Float32Array.from([1.1, -2.7, 3.3]), [3], true);
    add(add(sum(mul(x, 2)), sum(scaleLazy(x, c))), sum(scaleLazy(x, c))).backward();
    // The same graph with the scaled gradients stored as ordinary ones (mul's backward), same order.
    const ref = new Tensor(Float32Array.from([1.1, -2.7, 3.3]), [3], true);
    add(add(sum(mul(ref, 2)), sum(mul(ref, c))), sum(mul(ref, c))).backward();
    expect(Array.from(x.grad!.data)).toEqual(Array.from(ref.grad!.data));
    expect(x.grad!.data[0]).not.toBe(2 + 2 * c); // float32 sums, not float64 ones
    const y = new Tensor(Float32Array.from([1.1, -2.7, 3.3]), [3], true);
    const w = Math.fround(3.7);
    l2Penalty([y], 2 * w).backward();
    // λ·w per element, λ rounded first: exactly what Math.fround gives.
    expect(Array.from(y.grad!.data)).toEqual(Array.from(y.data, (v) => Math.fround(Math.fround(2 * w) * v)));
  });

  it('the L2 penalty on a tensor computed from a leaf: the scaled sum feeds that op’s backward', () => {
    const leaf = new Tensor(Float64Array.from(x0), [3], true);
    expectGradOk((t) => add(l2Penalty([mul(t, 3)], 0.7), sum(mul(t, t))), [leaf]);
  });
});

/**
 * A trunk under three heads with an L2 term on every weight. With `l2Last` the penalty is added last,
 * so its backward runs first and the Linear layers take over its pending λ·W (takeScaled); else it
 * runs last and adds into the sums the layers left (into).
 */
function threeHeads(
  x: Tensor,
  w0: Tensor,
  b0: Tensor,
  heads: Tensor[],
  lambda: number,
  l2Last: boolean,
): Tensor {
  const h = linear(x, w0, b0, { activation: 'relu' });
  let loss = l2Last ? null : l2Penalty([w0, ...heads], lambda);
  for (const w of heads) {
    const term = sum(mul(linear(h, w), linear(h, w)));
    loss = loss === null ? term : add(loss, term);
  }
  return l2Last ? add(loss!, l2Penalty([w0, ...heads], lambda)) : loss!;
}

/** The same loss from ops that never write into the engine's sums. */
function threeHeadsPlain(x: Tensor, w0: Tensor, b0: Tensor, heads: Tensor[], lambda: number): Tensor {
  const h = relu(add(matmul(x, w0, { transposeB: true }), b0));
  let penalty = sum(mul(w0, w0));
  for (const w of heads) penalty = add(penalty, sum(mul(w, w)));
  let loss = mul(penalty, lambda / 2);
  for (const w of heads) {
    const y = matmul(h, w, { transposeB: true });
    loss = add(loss, sum(mul(y, y)));
  }
  return loss;
}

/** Inputs [rows, inF], trunk [hidden, inF], heads [out_i, hidden]. */
function params(dtype: 'float32' | 'float64', seed: number, big = false) {
  const rng = new Rng(seed);
  const t = (shape: number[]) => {
    const v = randn(shape, { rng, dtype });
    return new Tensor(v.data, shape, true);
  };
  // The big sizes put every product over the wasm backend's minimum size.
  const [rows, inF, hidden, outs] = big ? [40, 33, 36, [5, 9, 4]] : [13, 7, 9, [3, 1, 5]];
  return {
    x: t([rows, inF]),
    w0: t([hidden, inF]),
    b0: t([hidden]),
    heads: outs.map((o) => t([o, hidden])),
  };
}

const CASES = (['wasm', 'js'] as const).flatMap((backend) =>
  [false, true].map((l2Last) => ({
    backend,
    l2Last,
    order: l2Last ? 'L2 backward first' : 'L2 backward last',
  })),
);

describe.each(CASES)('Linear and the L2 penalty on the $backend backend, $order', ({ backend, l2Last }) => {
  it('gradcheck: a trunk under three heads, every weight also under the L2 term', () => {
    setBackend(backend);
    const p = params('float64', 3);
    expectGradOk(
      (x, w0, b0, h0, h1, h2) => threeHeads(x, w0, b0, [h0, h1, h2], 0.3, l2Last),
      [p.x, p.w0, p.b0, ...p.heads],
    );
  });

  it('gradcheck: the input and the weight one tensor', () => {
    setBackend(backend);
    const { w0 } = params('float64', 4);
    const sq = new Tensor(w0.data.slice(0, 49), [7, 7], true);
    const term = (a: Tensor) => sum(mul(linear(a, a), linear(a, a)));
    expectGradOk(
      (a) => (l2Last ? add(term(a), l2Penalty([a], 0.2)) : add(l2Penalty([a], 0.2), term(a))),
      [sq],
    );
  });

  it('float32: the same gradients as the graph built without GradSums', () => {
    setBackend(backend);
    const a = params('float32', 5, true);
    const b = params('float32', 5, true);
    threeHeads(a.x, a.w0, a.b0, a.heads, 1e-2, l2Last).backward();
    threeHeadsPlain(b.x, b.w0, b.b0, b.heads, 1e-2).backward();
    const pairs: [Tensor, Tensor][] = [
      [a.x, b.x],
      [a.w0, b.w0],
      [a.b0, b.b0],
      ...a.heads.map((h, i): [Tensor, Tensor] => [h, b.heads[i]]),
    ];
    for (const [got, want] of pairs) {
      const g = got.grad!.data;
      const w = want.grad!.data;
      let scale = 0;
      for (const v of w) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - w[i])).toBeLessThanOrEqual(1e-5 * scale);
    }
  });
});

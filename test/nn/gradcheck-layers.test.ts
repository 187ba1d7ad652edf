/** Gradient checks (float64, central differences) of the layers and activations, as fast-check properties. */
import fastCheck from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import {
  dropout,
  GELU,
  gelu,
  LayerNorm,
  Linear,
  layerNorm,
  leakyRelu,
  linear,
  MLP,
  Sequential,
  softplus,
  Tanh,
} from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/rng.js';
import { assertGradcheck } from '../../src/testing/gradcheck.js';
import { arb, fc, fixedR, moduleGradError, RUNS } from './helpers.js';

const dim = (max = 4) => fc.integer({ min: 1, max });
/** x [N, in], weight [out, in], bias [out] of small random sizes. */
const linearArgs = fc
  .tuple(dim(5), dim(4), dim(4))
  .chain(([n, i, o]) =>
    fc.tuple(arb.tensor({ shape: [n, i] }), arb.tensor({ shape: [o, i] }), arb.tensor({ shape: [o] })),
  );

describe('linear with a fused ReLU', () => {
  it('gradcheck (float64) away from the kink', () => {
    // Pre-activations are kept away from 0 so the finite differences do not straddle the kink.
    fc.assert(
      fc.property(linearArgs, ([x, w, b]) => {
        const z = linear(x, w, b).data;
        fastCheck.pre(z.every((v) => Math.abs(v) > 1e-3));
        assertGradcheck((x, w, b) => linear(x, w, b, { activation: 'relu' }), [x, w, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('float32: values and gradients equal relu(linear(...)) bit for bit', () => {
    const rng = new Rng(3);
    const make = (shape: number[]) => {
      const t = new Tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
        shape,
      );
      t.requiresGrad = true;
      return t;
    };
    for (const [n, i, o] of [
      [3, 5, 7],
      [64, 96, 80],
      [33, 17, 130],
    ]) {
      const [x, w, b] = [make([n, i]), make([o, i]), make([o])];
      const fused = linear(x, w, b, { activation: 'relu' });
      fused.sum().backward();
      const g1 = [x, w, b].map((t) => Array.from(t.grad?.data ?? []));
      for (const t of [x, w, b]) t.grad = null;
      const plain = linear(x, w, b).relu();
      plain.sum().backward();
      expect(Array.from(fused.data)).toEqual(Array.from(plain.data));
      expect(g1).toEqual([x, w, b].map((t) => Array.from(t.grad?.data ?? [])));
    }
  });

  it('MLP with ReLU fuses it and computes the same as the unfused layers', () => {
    const mlp = new MLP([6, 9, 4], { activation: 'relu', outputActivation: 'relu', rng: new Rng(1) });
    const x = new Tensor(
      Float32Array.from({ length: 30 }, (_, k) => Math.sin(k)),
      [5, 6],
    );
    const [l0, l1] = [mlp.layers.at(0), mlp.layers.at(1)];
    const expected = l1.forward(l0.forward(x).relu()).relu();
    expect(Array.from(mlp.forward(x).data)).toEqual(Array.from(expected.data));
  });

  it('rejects an unknown activation', () => {
    const x = new Tensor(new Float32Array(2), [1, 2]);
    const w = new Tensor(new Float32Array(2), [1, 2]);
    expect(() => linear(x, w, null, { activation: 'tanh' as never })).toThrow(
      /activation must be 'relu' or null/,
    );
  });
});

describe('linear (fused op)', () => {
  it('gradcheck: x [N, in], weight, bias', () => {
    fc.assert(
      fc.property(linearArgs, ([x, w, b]) => {
        assertGradcheck((x, w, b) => linear(x, w, b), [x, w, b]);
      }),
      { numRuns: RUNS },
    );
  });

  it('gradcheck: batched input [..., in] (leading dims flattened) and no bias', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.array(dim(3), { minLength: 0, maxLength: 3 }), dim(4), dim(3))
          .chain(([lead, i, o]) =>
            fc.tuple(arb.tensor({ shape: [...lead, i] }), arb.tensor({ shape: [o, i] })),
          ),
        ([x, w]) => {
          assertGradcheck((x, w) => linear(x, w), [x, w]);
          expect(linear(x, w).shape).toEqual([...x.shape.slice(0, -1), w.shape[0]]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('gradcheck: large enough to take the packed matmul path', () => {
    const rng = new Rng(3);
    const t = (shape: number[]) => {
      const d = new Float64Array(shape.reduce((a, b) => a * b, 1));
      for (let i = 0; i < d.length; i++) d[i] = rng.normal();
      return new Tensor(d, shape);
    };
    assertGradcheck((x, w, b) => linear(x, w, b), [t([2, 9, 11]), t([10, 11]), t([10])]);
  });
});

describe('layerNorm (fused op)', () => {
  /** Spread each row (add j to feature j) so the variance is never near 0. */
  const spread = (x: Tensor): Tensor => {
    const D = x.shape[x.rank - 1];
    for (let i = 0; i < x.size; i++) x.data[i] += i % D;
    return x;
  };

  it('gradcheck: x [..., D], weight, bias', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(fc.array(dim(3), { minLength: 0, maxLength: 2 }), fc.integer({ min: 2, max: 5 }))
          .chain(([lead, d]) =>
            fc.tuple(
              arb.tensor({ shape: [...lead, d] }),
              arb.tensor({ shape: [d] }),
              arb.tensor({ shape: [d] }),
            ),
          ),
        ([x, w, b]) => {
          assertGradcheck((x, w, b) => layerNorm(x, w, b), [spread(x), w, b]);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('gradcheck: without affine parameters, and with a large eps', () => {
    fc.assert(
      fc.property(arb.tensor({ minRank: 1, maxRank: 3 }), (x) => {
        assertGradcheck((x) => layerNorm(x, null, null, { eps: 0.5 }), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('LayerNorm module: parameter gradients by finite differences', () => {
    const ln = new LayerNorm(4, { dtype: 'float64' });
    const rng = new Rng(1);
    for (const p of ln.parameters()) for (let i = 0; i < p.size; i++) p.data[i] = rng.normal();
    const x = new Tensor(
      Float64Array.from({ length: 12 }, () => rng.normal()),
      [3, 4],
    );
    const R = fixedR([3, 4]);
    expect(moduleGradError(ln, () => ln.forward(x).mul(R).sum())).toBeLessThan(1e-7);
  });
});

describe('activations', () => {
  const check = (name: string, fn: (x: Tensor) => Tensor, avoid: number[] = []) =>
    it(`gradcheck: ${name}`, () => {
      fc.assert(
        fc.property(arb.tensor({ min: -5, max: 5, avoid }), (x) => {
          assertGradcheck(fn, [x]);
        }),
        { numRuns: RUNS },
      );
    });
  check('gelu (erf)', (x) => gelu(x));
  check('gelu (tanh)', (x) => gelu(x, { approximate: 'tanh' }));
  check('leakyRelu 0.01', (x) => leakyRelu(x), [0]);
  check('leakyRelu 0.2', (x) => leakyRelu(x, 0.2), [0]);
  check('softplus', (x) => softplus(x));
  check('softplus beta 2, threshold 3 (kink at 1.5)', (x) => softplus(x, { beta: 2, threshold: 3 }), [1.5]);

  it('gradcheck: gelu far in the tails', () => {
    const x = new Tensor(Float64Array.from([-9, -6.5, -4, 4, 6.5, 9]), [6]);
    assertGradcheck((x) => gelu(x), [x]);
  });
});

describe('dropout', () => {
  it('eval mode and p = 0 are the identity (the same tensor)', () => {
    fc.assert(
      fc.property(arb.tensor(), (x) => {
        expect(dropout(x, 0.5, { training: false })).toBe(x);
        expect(dropout(x, 0)).toBe(x);
        assertGradcheck((x) => dropout(x, 0.5, { training: false }).mul(1), [x]);
      }),
      { numRuns: RUNS },
    );
  });

  it('gradcheck in training mode with a fixed mask (a fresh Rng with the same seed per call)', () => {
    fc.assert(
      fc.property(
        arb.tensor({ minRank: 1 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (x, seed, p) => {
          assertGradcheck((x) => dropout(x, p, { rng: new Rng(seed) }), [x]);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('modules', () => {
  it('MLP (gelu, layernorm): gradcheck w.r.t. the input and finite differences for every parameter', () => {
    fc.assert(
      fc.property(
        fc.array(dim(4), { minLength: 2, maxLength: 4 }),
        dim(3),
        fc.integer({ min: 0, max: 1 << 20 }),
        (sizes, n, seed) => {
          const rng = new Rng(seed);
          const mlp = new MLP(sizes, { activation: 'gelu', norm: 'layernorm', dtype: 'float64', rng });
          // Move the LayerNorm parameters off ones/zeros so their gradients are generic.
          for (const p of mlp.parameters()) for (let i = 0; i < p.size; i++) p.data[i] += 0.1 * rng.normal();
          const x = new Tensor(
            Float64Array.from({ length: n * sizes[0] }, (_, i) => rng.normal() + (i % sizes[0])),
            [n, sizes[0]],
          );
          assertGradcheck((x) => mlp.forward(x), [x], { atol: 1e-5, rtol: 1e-3 });
          const R = fixedR([n, sizes[sizes.length - 1]], seed + 1);
          expect(moduleGradError(mlp, () => mlp.forward(x).mul(R).sum())).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('MLP with relu and dropout in training mode (mask re-seeded per call)', () => {
    const rng = new Rng(11);
    const mlp = new MLP([3, 6, 5, 2], { dropout: 0.3, dtype: 'float64', rng });
    const x = new Tensor(
      Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
      [4, 3],
    );
    const R = fixedR([4, 2]);
    const loss = () => {
      rng.seed(99);
      return mlp.forward(x).mul(R).sum();
    };
    expect(moduleGradError(mlp, loss)).toBeLessThan(1e-6);
    assertGradcheck(
      (x) => {
        rng.seed(99);
        return mlp.forward(x);
      },
      [x],
    );
  });

  it('Sequential of Linear, GELU, Linear, Tanh: parameter gradients', () => {
    const rng = new Rng(5);
    const net = new Sequential(
      new Linear(3, 4, { dtype: 'float64', rng }),
      new GELU(),
      new Linear(4, 2, { dtype: 'float64', rng }),
      new Tanh(),
    );
    const x = new Tensor(
      Float64Array.from({ length: 6 }, (_, i) => Math.cos(i)),
      [2, 3],
    );
    const R = fixedR([2, 2]);
    expect(moduleGradError(net, () => net.forward(x).mul(R).sum())).toBeLessThan(1e-7);
  });
});

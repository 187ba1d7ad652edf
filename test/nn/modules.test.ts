/** Modules: state-dict keys, loadStateDict errors, train/eval, determinism, shapes, dtypes, validation. */
import { describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { DTypeError, ShapeError, ValueError } from '../../src/errors.js';
import {
  ACTIVATION_NAMES,
  activation,
  crossEntropy,
  Dropout,
  dropout,
  GELU,
  gelu,
  LayerNorm,
  LeakyReLU,
  Linear,
  linear,
  MLP,
  type Module,
  ModuleList,
  ReLU,
  Sequential,
  Softplus,
  StateDictError,
} from '../../src/nn/index.js';
import { manualSeed, Rng } from '../../src/tensor/rng.js';
import { f64Of, maxAbsDiff } from './helpers.js';

const keys = (m: Module) => Object.keys(m.stateDict());
const shapes = (m: Module) => Object.fromEntries(Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]));
const input = (rows: number, cols: number, dtype: 'float32' | 'float64' = 'float32') => {
  const d = dtype === 'float64' ? new Float64Array(rows * cols) : new Float32Array(rows * cols);
  for (let i = 0; i < d.length; i++) d[i] = Math.sin(i * 0.7) * 2;
  return new Tensor(d, [rows, cols]);
};

describe('state-dict keys', () => {
  it('Linear: weight [out, in] and bias [out]; no bias key without bias', () => {
    expect(shapes(new Linear(4, 3))).toEqual({ weight: [3, 4], bias: [3] });
    expect(keys(new Linear(4, 3, { bias: false }))).toEqual(['weight']);
  });

  it('MLP: layers.i.* for the Linear layers, norms.i.* for hidden LayerNorms, nothing for activations/dropout', () => {
    const plain = new MLP([5, 8, 6, 2], { dropout: 0.2, activation: 'gelu' });
    expect(shapes(plain)).toEqual({
      'layers.0.weight': [8, 5],
      'layers.0.bias': [8],
      'layers.1.weight': [6, 8],
      'layers.1.bias': [6],
      'layers.2.weight': [2, 6],
      'layers.2.bias': [2],
    });
    const normed = new MLP([5, 8, 6, 2], { norm: 'layernorm', bias: false });
    expect(keys(normed)).toEqual([
      'layers.0.weight',
      'layers.1.weight',
      'layers.2.weight',
      'norms.0.weight',
      'norms.0.bias',
      'norms.1.weight',
      'norms.1.bias',
    ]);
    expect(keys(new MLP([3, 2], { norm: 'layernorm' }))).toEqual(['layers.0.weight', 'layers.0.bias']);
    expect(plain.numParameters()).toBe(8 * 5 + 8 + 6 * 8 + 6 + 2 * 6 + 2);
  });

  it('Sequential numbers its children by position, like torch.nn.Sequential', () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    expect(keys(net)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(net.length).toBe(3);
    expect(net.at(-1)).toBeInstanceOf(Linear);
    expect(() => new Sequential(new Linear(1, 1), (() => 0) as unknown as Module)).toThrow(
      /argument 1 must be a Module/,
    );
  });

  it('ModuleList registers children and has no forward', () => {
    const list = new ModuleList([new Linear(2, 2), new LayerNorm(2)]);
    expect(keys(list)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(() => list.forward(undefined as never)).toThrow(ValueError);
  });
});

describe('loadStateDict', () => {
  it('round-trips between two MLPs initialised differently, in place', () => {
    const a = new MLP([4, 6, 3], { rng: new Rng(1), norm: 'layernorm' });
    const b = new MLP([4, 6, 3], { rng: new Rng(2), norm: 'layernorm' });
    const x = input(5, 4);
    expect(maxAbsDiff(a.forward(x).data, b.forward(x).data)).toBeGreaterThan(0);
    const w0 = b.layers.at(0).weight;
    b.loadStateDict(a.stateDict());
    expect(b.layers.at(0).weight).toBe(w0);
    expect(Array.from(b.forward(x).data)).toEqual(Array.from(a.forward(x).data));
  });

  it('names missing, unexpected and mis-shaped keys', () => {
    const m = new MLP([4, 6, 3]);
    const state = { ...m.stateDict() };
    delete (state as Record<string, Tensor>)['layers.1.bias'];
    state['layers.2.weight'] = new Tensor(new Float32Array(3), [3]);
    state['layers.0.weight'] = new Tensor(new Float32Array(24), [4, 6]);
    let err: unknown;
    try {
      m.loadStateDict(state);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StateDictError);
    const e = err as StateDictError;
    expect(e.missingKeys).toEqual(['layers.1.bias']);
    expect(e.unexpectedKeys).toEqual(['layers.2.weight']);
    expect(e.mismatched).toEqual([{ key: 'layers.0.weight', expected: [6, 4], got: [4, 6] }]);
    expect(e.message).toMatch(/missing keys: layers\.1\.bias/);
    expect(e.message).toMatch(/unexpected keys: layers\.2\.weight/);
    expect(e.message).toMatch(/'layers\.0\.weight' has shape \[4,6\], expected \[6,4\]/);
  });

  it('strict: false skips missing and unexpected keys but not shape mismatches', () => {
    const m = new Linear(2, 2);
    const res = m.loadStateDict(
      { weight: new Tensor(new Float32Array(4).fill(1), [2, 2]), extra: m.bias! },
      { strict: false },
    );
    expect(res).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect(Array.from(m.weight.data)).toEqual([1, 1, 1, 1]);
    expect(() =>
      m.loadStateDict({ weight: new Tensor(new Float32Array(2), [2]) }, { strict: false }),
    ).toThrow(StateDictError);
  });
});

describe('train / eval and dropout', () => {
  it('Dropout zeroes about p of the elements in training and scales the rest by 1/(1 − p); eval is the identity', () => {
    const d = new Dropout(0.25, { rng: new Rng(4) });
    const x = new Tensor(new Float64Array(20000).fill(1), [200, 100]);
    const y = d.forward(x);
    let zeros = 0;
    let wrong = 0;
    for (const v of y.data) {
      if (v === 0) zeros++;
      else if (Math.abs(v - 1 / 0.75) > 1e-14) wrong++;
    }
    expect(wrong).toBe(0);
    expect(Math.abs(zeros / x.size - 0.25)).toBeLessThan(0.015);
    d.eval();
    expect(d.training).toBe(false);
    expect(d.forward(x)).toBe(x);
    d.train();
    expect(d.forward(x)).not.toBe(x);
  });

  it('MLP.train()/eval() reach its dropout: eval output is deterministic and equals the dropout-free network', () => {
    const withDrop = new MLP([6, 16, 3], { dropout: 0.5, rng: new Rng(3) });
    const noDrop = new MLP([6, 16, 3], { rng: new Rng(3) });
    const x = input(8, 6);
    withDrop.eval();
    expect(withDrop.dropout!.training).toBe(false);
    expect(Array.from(withDrop.forward(x).data)).toEqual(Array.from(noDrop.forward(x).data));
    withDrop.train();
    const a = withDrop.forward(x);
    const b = withDrop.forward(x);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
  });

  it('the gradient through dropout is zero exactly where the output was dropped', () => {
    const x = new Tensor(new Float64Array(50).fill(2), [50], true);
    const y = dropout(x, 0.5, { rng: new Rng(9) });
    y.sum().backward();
    for (let i = 0; i < 50; i++) expect(x.grad!.data[i]).toBe(y.data[i] === 0 ? 0 : 2);
  });

  it('rejects p outside [0, 1)', () => {
    for (const p of [1, -0.1, 1.5, Number.NaN]) {
      expect(() => new Dropout(p)).toThrow(ValueError);
      expect(() => dropout(f64Of([1], [1]), p)).toThrow(/\[0, 1\)/);
    }
    expect(() => new MLP([2, 2], { dropout: 1 })).toThrow(ValueError);
  });
});

describe('determinism', () => {
  it('the same seed gives the same parameters, dropout masks and outputs; a different seed differs', () => {
    const build = (seed: number) =>
      new MLP([5, 7, 7, 2], { dropout: 0.3, rng: new Rng(seed), norm: 'layernorm' });
    const a = build(42);
    const b = build(42);
    const c = build(43);
    const x = input(4, 5);
    expect(Array.from(a.forward(x).data)).toEqual(Array.from(b.forward(x).data));
    for (const [k, v] of Object.entries(a.stateDict()))
      expect(Array.from(v.data)).toEqual(Array.from(b.stateDict()[k].data));
    expect(Array.from(a.layers.at(0).weight.data)).not.toEqual(Array.from(c.layers.at(0).weight.data));
  });

  it('without an rng, manualSeed makes Linear init and Dropout reproducible', () => {
    manualSeed(5);
    const a = new Linear(4, 3);
    const da = dropout(new Tensor(new Float32Array(32).fill(1), [32]), 0.5);
    manualSeed(5);
    const b = new Linear(4, 3);
    const db = dropout(new Tensor(new Float32Array(32).fill(1), [32]), 0.5);
    expect(Array.from(a.weight.data)).toEqual(Array.from(b.weight.data));
    expect(Array.from(a.bias!.data)).toEqual(Array.from(b.bias!.data));
    expect(Array.from(da.data)).toEqual(Array.from(db.data));
  });
});

describe('Linear', () => {
  it('y = x·Wᵀ + b, batched input [..., in] equals the flattened rows', () => {
    const lin = new Linear(3, 2, { rng: new Rng(1), dtype: 'float64' });
    const x = f64Of(
      Array.from({ length: 2 * 4 * 3 }, (_, i) => i / 7 - 1),
      [2, 4, 3],
    );
    const y = lin.forward(x);
    expect(y.shape).toEqual([2, 4, 2]);
    const W = lin.weight.data;
    const b = lin.bias!.data;
    for (let r = 0; r < 8; r++) {
      for (let o = 0; o < 2; o++) {
        let s = b[o];
        for (let i = 0; i < 3; i++) s += x.data[r * 3 + i] * W[o * 3 + i];
        expect(y.data[r * 2 + o]).toBeCloseTo(s, 14);
      }
    }
    expect(lin.forward(f64Of([1, 2, 3], [3])).shape).toEqual([2]);
  });

  it('float32 matches a float64 reference to float32 precision (packed-kernel sizes)', () => {
    const rng = new Rng(2);
    const l32 = new Linear(70, 33, { rng });
    const l64 = new Linear(70, 33, { dtype: 'float64' });
    l64.loadStateDict(l32.stateDict());
    const x32 = input(65, 70);
    const x64 = new Tensor(Float64Array.from(x32.data), x32.shape);
    expect(maxAbsDiff(l32.forward(x32).data, l64.forward(x64).data)).toBeLessThan(1e-5);
  });

  it('zero-sized batches and features work', () => {
    expect(linear(new Tensor(new Float32Array(0), [0, 3]), new Linear(3, 2).weight).shape).toEqual([0, 2]);
    const lin = new Linear(0, 2);
    expect(Array.from(lin.forward(new Tensor(new Float32Array(0), [3, 0])).data)).toEqual(Array(6).fill(0));
  });

  it('reports shape and dtype errors clearly', () => {
    const lin = new Linear(3, 2);
    expect(() => lin.forward(input(2, 4))).toThrow(ShapeError);
    expect(() => lin.forward(input(2, 4))).toThrow(/must end in the layer's 3 input features/);
    expect(() => lin.forward(input(2, 3, 'float64'))).toThrow(DTypeError);
    expect(() => linear(input(2, 3), lin.weight, new Tensor(new Float32Array(3), [3]))).toThrow(
      /bias must be \[2\]/,
    );
    expect(() => new Linear(-1, 2)).toThrow(ValueError);
    expect(() => new Linear(2, 2, { dtype: 'int8' as 'float32' })).toThrow(DTypeError);
  });

  it('records one op, and none under noGrad', () => {
    const lin = new Linear(3, 2);
    const y = lin.forward(input(2, 3));
    expect(y._node?.op).toBe('linear');
    expect(y._node?.parents.length).toBe(3);
    expect(noGrad(() => lin.forward(input(2, 3))).requiresGrad).toBe(false);
  });
});

describe('LayerNorm', () => {
  it('normalises the last dimension (mean 0, biased variance 1) and validates its arguments', () => {
    const ln = new LayerNorm([4], { dtype: 'float64' });
    const y = ln.forward(f64Of([1, 2, 3, 4, 10, 10, 10, 14], [2, 4]));
    for (let r = 0; r < 2; r++) {
      const row = Array.from(y.data.slice(r * 4, r * 4 + 4));
      const mean = row.reduce((a, b) => a + b) / 4;
      const v = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
      expect(mean).toBeCloseTo(0, 12);
      expect(v).toBeCloseTo(1, 4);
    }
    expect(keys(new LayerNorm(3, { elementwiseAffine: false }))).toEqual([]);
    expect(() => ln.forward(f64Of([1, 2, 3], [1, 3]))).toThrow(/must end in 4 features/);
    expect(() => new LayerNorm([2, 3])).toThrow(/not supported/);
    expect(() => new LayerNorm(0)).toThrow(ValueError);
  });
});

describe('activations', () => {
  it('activation(name) builds the modules; an unknown name lists the valid ones', () => {
    const x = f64Of([-2, -0.5, 0.5, 3], [4]);
    for (const name of ACTIVATION_NAMES) expect(activation(name).forward(x).shape).toEqual([4]);
    expect(activation('leakyRelu')).toBeInstanceOf(LeakyReLU);
    expect(Array.from(activation('geluTanh').forward(x).data)).toEqual(
      Array.from(gelu(x, { approximate: 'tanh' }).data),
    );
    expect(() => activation('swish' as 'relu')).toThrow(ValueError);
    expect(() => activation('swish' as 'relu')).toThrow(
      "activation: unknown activation 'swish'; valid names: relu, leakyRelu, gelu, geluTanh, tanh, sigmoid, softplus, identity",
    );
    expect(() => new MLP([2, 2], { activation: 'swish' as 'relu' })).toThrow(/valid names/);
  });

  it('modules carry their options', () => {
    const x = f64Of([-2, 30, 1], [3]);
    expect(Array.from(new LeakyReLU(0.2).forward(x).data)).toEqual([-0.4, 30, 1]);
    expect(new Softplus({ beta: 2, threshold: 10 }).forward(x).data[1]).toBe(30);
    expect(new GELU({ approximate: 'tanh' }).approximate).toBe('tanh');
    expect(() => new GELU({ approximate: 'fast' as 'tanh' })).toThrow(ValueError);
  });

  it('MLP accepts functions and Modules as activations, and an output activation', () => {
    const x = input(3, 4);
    const m = new MLP([4, 5, 2], {
      activation: (t) => t.tanh(),
      outputActivation: 'sigmoid',
      rng: new Rng(1),
    });
    const y = m.forward(x);
    expect(Array.from(y.data).every((v) => v > 0 && v < 1)).toBe(true);
    const withModule = new MLP([4, 5, 2], { activation: new LeakyReLU(0.1), rng: new Rng(1) });
    expect(withModule.namedModules().map(([k]) => k)).toContain('activation');
  });
});

describe('MLP training sanity', () => {
  it('a few SGD steps on a separable problem drive the cross-entropy down', () => {
    const rng = new Rng(0);
    const n = 64;
    const xs = new Float32Array(n * 2);
    const ys: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = rng.normal();
      const b = rng.normal();
      xs[2 * i] = a;
      xs[2 * i + 1] = b;
      ys.push(a + b > 0 ? 1 : 0);
    }
    const x = new Tensor(xs, [n, 2]);
    const model = new MLP([2, 16, 2], { rng: new Rng(1), norm: 'layernorm' });
    const first = crossEntropy(model.forward(x), ys).item();
    let last = first;
    for (let step = 0; step < 60; step++) {
      model.zeroGrad();
      const loss = crossEntropy(model.forward(x), ys);
      loss.backward();
      noGrad(() => {
        for (const p of model.parameters())
          for (let i = 0; i < p.size; i++) p.data[i] -= 0.5 * p.grad!.data[i];
      });
      last = loss.item();
    }
    expect(last).toBeLessThan(first * 0.5);
  });
});

/** Initialisers against PyTorch's formulas (test/fixtures/init.json): bounds exactly, samples statistically. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/autograd/tensor.js';
import { ValueError } from '../../src/errors.js';
import { init, Linear } from '../../src/nn/index.js';
import { manualSeed, Rng } from '../../src/tensor/rng.js';
import { loadFixture } from './helpers.js';

interface InitCase {
  shape: [number, number];
  fanIn: number;
  fanOut: number;
  linear: { inFeatures: number; outFeatures: number; weightBound: number; biasBound: number };
  kaimingUniformBound: number;
  kaimingUniformReluBound: number;
  kaimingNormalReluStd: number;
  xavierUniformBound: number;
  xavierNormalStd: number;
}
const fixture = loadFixture<{ gains: Record<string, number>; cases: InitCase[] }>('init.json');

function stats(t: Tensor): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let m = 0;
  for (const v of t.data) {
    s += v;
    m = Math.max(m, Math.abs(v));
  }
  const mean = s / t.size;
  let q = 0;
  for (const v of t.data) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / (t.size - 1)), maxAbs: m };
}

const empty = (shape: number[], dtype: 'float32' | 'float64' = 'float64') =>
  new Tensor(
    dtype === 'float64' ? new Float64Array(shape[0] * shape[1]) : new Float32Array(shape[0] * shape[1]),
    shape,
  );

describe('calculateGain', () => {
  it('matches torch.nn.init.calculate_gain exactly', () => {
    const g = fixture.gains;
    expect(init.calculateGain('linear')).toBe(g.linear);
    expect(init.calculateGain('sigmoid')).toBe(g.sigmoid);
    expect(init.calculateGain('tanh')).toBe(g.tanh);
    expect(init.calculateGain('relu')).toBe(g.relu);
    expect(init.calculateGain('leakyRelu')).toBe(g['leaky_relu_0.01']);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBe(g.leaky_relu_sqrt5);
    expect(init.calculateGain('selu')).toBe(g.selu);
    expect(() => init.calculateGain('swish' as init.Nonlinearity)).toThrow(ValueError);
  });
});

describe.each(fixture.cases)('init.json case $shape', (c) => {
  it('fans and bounds/stds equal PyTorch’s exactly', () => {
    expect(init.fans(c.shape)).toEqual({ fanIn: c.fanIn, fanOut: c.fanOut });
    expect(init.kaimingUniformBound(c.shape, { a: Math.sqrt(5) })).toBe(c.kaimingUniformBound);
    expect(init.kaimingUniformBound(c.shape, { nonlinearity: 'relu' })).toBe(c.kaimingUniformReluBound);
    expect(init.kaimingUniformBound(c.shape)).toBe(c.kaimingUniformReluBound); // default: leaky relu, a = 0
    expect(init.kaimingStd(c.shape, { nonlinearity: 'relu' })).toBe(c.kaimingNormalReluStd);
    expect(init.xavierUniformBound(c.shape)).toBe(c.xavierUniformBound);
    expect(init.xavierStd(c.shape)).toBe(c.xavierNormalStd);
    expect(init.linearDefaultBound(c.linear.inFeatures)).toBe(c.linear.biasBound);
    expect(init.kaimingUniformBound([c.linear.outFeatures, c.linear.inFeatures], { a: Math.sqrt(5) })).toBe(
      c.linear.weightBound,
    );
  });

  const big = c.shape[0] * c.shape[1] >= 4096;
  const stdTol = big ? 0.03 : 0.15;

  it('uniform initialisers stay within the bound with std ≈ bound/√3', () => {
    for (const [fill, bound] of [
      [(t: Tensor, rng: Rng) => init.kaimingUniform(t, { a: Math.sqrt(5), rng }), c.kaimingUniformBound],
      [
        (t: Tensor, rng: Rng) => init.kaimingUniform(t, { nonlinearity: 'relu', rng }),
        c.kaimingUniformReluBound,
      ],
      [(t: Tensor, rng: Rng) => init.xavierUniform(t, { rng }), c.xavierUniformBound],
    ] as const) {
      for (const dtype of ['float64', 'float32'] as const) {
        const t = fill(empty(c.shape, dtype), new Rng(7));
        const s = stats(t);
        expect(s.maxAbs).toBeLessThanOrEqual(dtype === 'float32' ? Math.fround(bound) : bound);
        expect(s.maxAbs).toBeGreaterThan(bound * 0.9);
        expect(Math.abs(s.std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(stdTol);
      }
    }
  });

  it('normal initialisers have the recorded std', () => {
    const k = stats(init.kaimingNormal(empty(c.shape), { nonlinearity: 'relu', rng: new Rng(8) }));
    expect(Math.abs(k.std / c.kaimingNormalReluStd - 1)).toBeLessThan(stdTol);
    expect(Math.abs(k.mean)).toBeLessThan(4 * (c.kaimingNormalReluStd / Math.sqrt(c.shape[0] * c.shape[1])));
    const x = stats(init.xavierNormal(empty(c.shape), { rng: new Rng(9) }));
    expect(Math.abs(x.std / c.xavierNormalStd - 1)).toBeLessThan(stdTol);
  });

  it('nn.Linear’s default: weight and bias within ±1/√in, std ≈ bound/√3', () => {
    const lin = new Linear(c.linear.inFeatures, c.linear.outFeatures, { rng: new Rng(1), dtype: 'float64' });
    const w = stats(lin.weight);
    const b = stats(lin.bias!);
    expect(w.maxAbs).toBeLessThanOrEqual(c.linear.weightBound);
    expect(b.maxAbs).toBeLessThanOrEqual(c.linear.biasBound);
    expect(Math.abs(w.std / (c.linear.weightBound / Math.sqrt(3)) - 1)).toBeLessThan(stdTol);
  });
});

describe('initialiser options', () => {
  it('fanOut mode and gains scale the bound', () => {
    expect(init.kaimingUniformBound([10, 40], { mode: 'fanOut' })).toBe(Math.sqrt(2) * Math.sqrt(3 / 10));
    expect(init.xavierUniformBound([10, 40], { gain: 2 })).toBe(2 * Math.sqrt(6 / 50));
    expect(() => init.kaimingUniformBound([3, 4], { mode: 'fan_in' as init.FanMode })).toThrow(/mode/);
    expect(() => init.fans([5])).toThrow(/at least 2 dimensions/);
  });

  it('fills from the given rng deterministically, and from the global one after manualSeed', () => {
    const a = init.kaimingNormal(empty([6, 5]), { rng: new Rng(3) });
    const b = init.kaimingNormal(empty([6, 5]), { rng: new Rng(3) });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    manualSeed(12);
    const c = init.xavierUniform(empty([6, 5]));
    manualSeed(12);
    const d = init.xavierUniform(empty([6, 5]));
    expect(Array.from(c.data)).toEqual(Array.from(d.data));
    expect(Array.from(c.data)).not.toEqual(Array.from(a.data));
  });

  it('Linear init by name or function; other inits zero the bias', () => {
    const z = new Linear(3, 2, { init: 'zeros' });
    expect(Array.from(z.weight.data)).toEqual([0, 0, 0, 0, 0, 0]);
    const k = new Linear(30, 20, { init: 'kaimingNormal', rng: new Rng(2), bias: true });
    expect(Array.from(k.bias!.data).every((v) => v === 0)).toBe(true);
    const f = new Linear(3, 2, { init: (w) => w.data.fill(0.5) });
    expect(Array.from(f.weight.data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(() => new Linear(3, 2, { init: 'he' as init.InitName })).toThrow(
      /unknown initialiser 'he'.*kaimingUniform/,
    );
  });
});

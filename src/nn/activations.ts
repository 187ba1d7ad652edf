/**
 * Activation functions: differentiable functions (`gelu(x)`) and tiny parameterless Modules
 * (`new GELU()`), with PyTorch's formulas for the forward and the backward.
 * relu, tanh and sigmoid are the autograd ops themselves (re-exported, same bindings).
 */
import { defineOp, expectTensor } from '../autograd/graph.js';
import { relu, sigmoid, tanh } from '../autograd/ops/unary.js';
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { allocate } from '../tensor/dtype.js';
import { erf } from './erf.js';
import { Module } from './module.js';

export { relu, sigmoid, tanh };

/** A differentiable elementwise function of one tensor. */
export type ActivationFn = (x: Tensor) => Tensor;

/** x for x > 0, slope·x otherwise (PyTorch's leaky_relu; the gradient at 0 is the slope). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  expectTensor('leakyRelu', x);
  checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  const xs = x.data;
  const n = xs.length;
  const y = allocate(x.dtype, n);
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    y[i] = v > 0 ? v : v * negativeSlope;
  }
  return defineOp('leakyRelu', y, x.shape, [x], (g) => {
    const gd = g.data;
    const dx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) dx[i] = xs[i] > 0 ? gd[i] : gd[i] * negativeSlope;
    return [new Tensor(dx, x.shape)];
  });
}

export interface GeluOptions {
  /** 'none' (default): the exact x·Φ(x) with erf; 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

const SQRT1_2 = Math.SQRT1_2;
/** 2/√π, C's M_2_SQRTPI. */
const M_2_SQRTPI = 1.1283791670955126;
/** 1/√(2π): the standard normal density's constant (PyTorch: M_2_SQRTPI · M_SQRT1_2 · 0.5). */
const INV_SQRT_2PI = M_2_SQRTPI * SQRT1_2 * 0.5;
/** √(2/π), the tanh form's scale (PyTorch: M_SQRT2 · M_2_SQRTPI · 0.5). */
const SQRT_2_PI = Math.SQRT2 * M_2_SQRTPI * 0.5;
const KAPPA = 0.044715;

/** GELU: x·Φ(x) = x/2·(1 + erf(x/√2)); with approximate 'tanh', x/2·(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(x: Tensor, options: GeluOptions = {}): Tensor {
  expectTensor('gelu', x);
  const approx = options.approximate ?? 'none';
  if (approx !== 'none' && approx !== 'tanh') {
    throw new ValueError(`gelu: approximate must be 'none' or 'tanh', got '${String(approx)}'`);
  }
  const xs = x.data;
  const n = xs.length;
  const y = allocate(x.dtype, n);
  if (approx === 'none') {
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      y[i] = v * 0.5 * (1 + erf(v * SQRT1_2));
    }
    return defineOp('gelu', y, x.shape, [x], (g) => {
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      const gd = g.data;
      const dx = allocate(x.dtype, n);
      for (let i = 0; i < n; i++) {
        const v = xs[i];
        const cdf = 0.5 * (1 + erf(v * SQRT1_2));
        const pdf = Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
        dx[i] = gd[i] * (cdf + v * pdf);
      }
      return [new Tensor(dx, x.shape)];
    });
  }
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    const inner = SQRT_2_PI * (v + KAPPA * (v * v * v));
    y[i] = 0.5 * v * (1 + Math.tanh(inner));
  }
  return defineOp('gelu', y, x.shape, [x], (g) => {
    // d/dx = ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3κx²), t = tanh(inner)
    const gd = g.data;
    const dx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) {
      const v = xs[i];
      const v2 = v * v;
      const t = Math.tanh(SQRT_2_PI * (v + KAPPA * (v2 * v)));
      const dInner = SQRT_2_PI * (1 + 3 * KAPPA * v2);
      dx[i] = gd[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
    }
    return [new Tensor(dx, x.shape)];
  });
}

export interface SoftplusOptions {
  /** Sharpness (default 1): softplus(x) = log(1 + e^(βx))/β. */
  beta?: number;
  /** Above βx > threshold the function is the identity, for stability (default 20, like PyTorch). */
  threshold?: number;
}

/** log(1 + e^(βx))/β, and x where βx > threshold (PyTorch's Softplus). */
export function softplus(x: Tensor, options: SoftplusOptions = {}): Tensor {
  expectTensor('softplus', x);
  const beta = options.beta ?? 1;
  const threshold = options.threshold ?? 20;
  checkFinite('softplus', 'beta', beta);
  if (beta === 0) throw new ValueError('softplus: beta must not be 0');
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new ValueError(`softplus: threshold must be a number, got ${String(threshold)}`);
  }
  const xs = x.data;
  const n = xs.length;
  const y = allocate(x.dtype, n);
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    const bx = v * beta;
    y[i] = bx > threshold ? v : Math.log1p(Math.exp(bx)) / beta;
  }
  return defineOp('softplus', y, x.shape, [x], (g) => {
    // d/dx = e^(βx)/(1 + e^(βx)) = σ(βx); 1 above the threshold.
    const gd = g.data;
    const dx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) {
      const bx = xs[i] * beta;
      if (bx > threshold) dx[i] = gd[i];
      else {
        const z = Math.exp(bx);
        dx[i] = (gd[i] * z) / (z + 1);
      }
    }
    return [new Tensor(dx, x.shape)];
  });
}

/** The identity (returns its input). */
export function identity(x: Tensor): Tensor {
  return x;
}

function checkFinite(op: string, what: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ValueError(`${op}: ${what} must be a finite number, got ${String(v)}`);
}

// ---- Modules ----

/** A Module wrapping an activation function (no parameters). */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
}

export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ValueError(`GELU: approximate must be 'none' or 'tanh', got '${String(this.approximate)}'`);
    }
  }
  forward(x: Tensor): Tensor {
    return gelu(x, { approximate: this.approximate });
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options: SoftplusOptions = {}) {
    super();
    this.beta = options.beta ?? 1;
    this.threshold = options.threshold ?? 20;
    checkFinite('Softplus', 'beta', this.beta);
    if (this.beta === 0) throw new ValueError('Softplus: beta must not be 0');
  }
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta, threshold: this.threshold });
  }
}

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

/** A Module that applies any tensor function (no parameters). */
export class Lambda extends Module {
  constructor(readonly fn: ActivationFn) {
    super();
    if (typeof fn !== 'function') throw new ValueError('Lambda: expected a function of a tensor');
  }
  forward(x: Tensor): Tensor {
    return this.fn(x);
  }
}

/** The names `activation()` and MLP accept; 'leakyRelu' uses slope 0.01, 'geluTanh' the tanh approximation. */
export type ActivationName =
  | 'relu'
  | 'leakyRelu'
  | 'gelu'
  | 'geluTanh'
  | 'tanh'
  | 'sigmoid'
  | 'softplus'
  | 'identity';

const FACTORIES: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  leakyRelu: () => new LeakyReLU(),
  gelu: () => new GELU(),
  geluTanh: () => new GELU({ approximate: 'tanh' }),
  tanh: () => new Tanh(),
  sigmoid: () => new Sigmoid(),
  softplus: () => new Softplus(),
  identity: () => new Identity(),
};

/** The valid activation names, for messages and UIs. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.keys(FACTORIES) as ActivationName[];

/** A new activation Module by name: `activation('gelu')`. Throws a ValueError listing the valid names. */
export function activation(name: ActivationName): Module {
  if (typeof name !== 'string' || !Object.hasOwn(FACTORIES, name)) {
    throw new ValueError(
      `activation: unknown activation '${String(name)}'; valid names: ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  return FACTORIES[name]();
}

/** Resolves a name, a function or a Module to a tensor function (used by MLP). */
export function resolveActivation(op: string, a: ActivationName | ActivationFn | Module): ActivationFn {
  if (typeof a === 'function') return a;
  if (a instanceof Module) return (x) => a.forward(x as never) as Tensor;
  if (typeof a !== 'string' || !Object.hasOwn(FACTORIES, a)) {
    throw new ValueError(
      `${op}: unknown activation '${String(a)}'; valid names: ${ACTIVATION_NAMES.join(', ')}`,
    );
  }
  const m = FACTORIES[a]();
  return (x) => m.forward(x);
}

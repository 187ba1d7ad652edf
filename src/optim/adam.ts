/**
 * Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay): PyTorch's
 * `torch.optim.Adam` / `torch.optim.AdamW`, same defaults, and the same order of floating-point
 * operations as torch's single-tensor loop (including its fused multiply-adds):
 *
 *   step_size = lr / (1 − β1^t);  denom = √v / √(1 − β2^t) + eps;  w ← w + (−step_size·m) / denom.
 */
import type { Tensor } from '../autograd/tensor.js';
import { createResidentAdam, getBackend, type ResidentAdam } from '../backend/index.js';
import { ValueError } from '../errors.js';
import { checkNonNegative } from '../options.js';
import type { Storage } from '../tensor/dtype.js';
import { fma32, fma64, powInt } from './exact.js';
import {
  checkBoolean,
  decodeBuffer,
  decodeStep,
  encodeBuffer,
  Optimizer,
  type OptimizerSpec,
  OptimizerStateError,
  type ParamStateJSON,
  type ParamsInput,
} from './optimizer.js';

export interface AdamHyper {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates [β1, β2] of the first and second moments, each in [0, 1) (default [0.9, 0.999]). */
  betas: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay w ← w(1 − lr·λ). */
  weightDecay: number;
  /** Use the running maximum of the second moment (AMSGrad; default false). */
  amsgrad: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

export type AdamOptions = Partial<AdamHyper>;

interface AdamState {
  /** Number of steps taken by this parameter. */
  step: number;
  expAvg: Storage;
  expAvgSq: Storage;
  /** AMSGrad's running maximum of expAvgSq (null without amsgrad). */
  maxExpAvgSq: Storage | null;
  /**
   * float32 on the wasm backend: the state kept in WebAssembly memory (its views are the buffers
   * above); null where the JS kernel runs; undefined until the first wasm step decides.
   */
  resident?: ResidentAdam | null;
}

function validateAdam(h: AdamHyper, where: string): void {
  checkNonNegative(where, 'lr', h.lr);
  checkNonNegative(where, 'eps', h.eps);
  checkNonNegative(where, 'weightDecay', h.weightDecay);
  const b = h.betas as unknown;
  if (!Array.isArray(b) || b.length !== 2) throw new ValueError(`${where}: betas must be a pair [β1, β2]`);
  for (let i = 0; i < 2; i++) {
    const v = b[i];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
      throw new ValueError(`${where}: betas[${i}] must be in [0, 1), got ${String(v)}`);
    }
  }
  checkBoolean(where, 'amsgrad', h.amsgrad);
  checkBoolean(where, 'maximize', h.maximize);
}

const ADAM_SPEC: OptimizerSpec<AdamHyper> = {
  name: 'Adam',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false },
  validate: validateAdam,
};

const ADAMW_SPEC: OptimizerSpec<AdamHyper> = {
  name: 'AdamW',
  defaults: { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false },
  validate: validateAdam,
};

/** A running mean of squared gradients is ≥ 0; a negative one makes the update's sqrt NaN. */
function secondMoment(b: Storage, where: string, key: string): Storage {
  const i = b.findIndex((v) => v < 0);
  if (i >= 0) throw new OptimizerStateError(`${where}.${key}[${i}] is ${b[i]}, a second moment must be ≥ 0`);
  return b;
}

/** The shared implementation; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamHyper, AdamState> {
  protected abstract readonly decoupled: boolean;

  step(): void {
    this.checkGroups();
    const groups = this.paramGroups;
    const decoupled = this.decoupled;
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi];
      const { lr, eps, weightDecay, amsgrad, maximize } = group;
      const beta1 = group.betas[0];
      const beta2 = group.betas[1];
      const params = group.params;
      let lastT = -1;
      let biasCorrection1 = 0;
      let biasCorrection2 = 0;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi];
        const grad = p.grad;
        if (grad === null) continue;
        this.checkGrad(p, grad);
        let s = this.state.get(p);
        if (s === undefined) {
          // The only allocations: the moment buffers, on the parameter's first step.
          s = { step: 0, expAvg: zeros(p), expAvgSq: zeros(p), maxExpAvgSq: amsgrad ? zeros(p) : null };
          this.state.set(p, s);
        } else if (amsgrad && s.maxExpAvgSq === null) {
          s.maxExpAvgSq = zeros(p);
        }
        const t = ++s.step;
        if (t !== lastT) {
          // Python's beta ** step (correctly rounded pow; computed once per group and step count).
          lastT = t;
          biasCorrection1 = 1 - powInt(beta1, t);
          biasCorrection2 = 1 - powInt(beta2, t);
        }
        const stepSize = lr / biasCorrection1;
        const bc2Sqrt = Math.sqrt(biasCorrection2);
        // AdamW: param.mul_(1 − lr·λ) (also when λ = 0, a multiplication by 1); Adam: g + λ·p.
        const decay = decoupled ? 1 - lr * weightDecay : 1;
        const l2 = decoupled ? 0 : weightDecay;
        const vmax = amsgrad ? s.maxExpAvgSq : null;
        if (p.data instanceof Float64Array) {
          adamF64(
            p.data,
            grad.data as Float64Array,
            s.expAvg as Float64Array,
            s.expAvgSq as Float64Array,
            vmax as Float64Array | null,
            beta1,
            beta2,
            eps,
            l2,
            decoupled,
            decay,
            stepSize,
            bc2Sqrt,
            maximize,
          );
        } else if (getBackend() === 'wasm' && resident(s, p.size) !== null) {
          (s.resident as ResidentAdam).step(
            p.data,
            grad.data as Float32Array,
            {
              decoupled,
              l2: l2 !== 0,
              amsgrad: vmax !== null,
              maximize,
            },
            {
              beta1,
              beta2,
              omb1: 1 - beta1,
              omb2: 1 - beta2,
              negStep: -stepSize,
              bc2Sqrt,
              eps,
              l2,
              decay,
            },
          );
        } else {
          adamF32(
            p.data,
            grad.data as Float32Array,
            s.expAvg as Float32Array,
            s.expAvgSq as Float32Array,
            vmax as Float32Array | null,
            beta1,
            beta2,
            eps,
            l2,
            decoupled,
            decay,
            stepSize,
            bc2Sqrt,
            maximize,
          );
        }
      }
    }
  }

  protected encodeState(s: AdamState): ParamStateJSON {
    return {
      step: s.step,
      expAvg: encodeBuffer(s.expAvg),
      expAvgSq: encodeBuffer(s.expAvgSq),
      maxExpAvgSq: s.maxExpAvgSq === null ? null : encodeBuffer(s.maxExpAvgSq),
    };
  }

  protected decodeState(json: ParamStateJSON, p: Tensor, where: string): AdamState {
    for (const k of Object.keys(json)) {
      if (k !== 'step' && k !== 'expAvg' && k !== 'expAvgSq' && k !== 'maxExpAvgSq') {
        throw new OptimizerStateError(`${where}: unknown key '${k}'`);
      }
    }
    const m = json.maxExpAvgSq;
    return {
      step: decodeStep(json.step, where),
      expAvg: decodeBuffer(json.expAvg, p, where, 'expAvg'),
      expAvgSq: secondMoment(decodeBuffer(json.expAvgSq, p, where, 'expAvgSq'), where, 'expAvgSq'),
      maxExpAvgSq:
        m === null || m === undefined
          ? null
          : secondMoment(decodeBuffer(m, p, where, 'maxExpAvgSq'), where, 'maxExpAvgSq'),
    };
  }
}

/**
 * `new Adam(params, {lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false, maximize = false})`.
 *
 * g ← g + λw; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; with amsgrad v̂max ← max(v̂max, v) is used
 * for v; w ← w − lr/(1−β1^t) · m / (√v/√(1−β2^t) + eps).
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}) {
    super(ADAM_SPEC, params, options);
  }
}

/**
 * `new AdamW(params, {lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0.01, amsgrad = false, maximize = false})`.
 *
 * Decoupled weight decay: w ← w·(1 − lr·λ) first, then Adam's step on the raw gradient.
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<AdamHyper>, options: AdamOptions = {}) {
    super(ADAMW_SPEC, params, options);
  }
}

/**
 * The state's wasm-resident copy, created on its first wasm step (null for a small parameter); the
 * state's buffers become views of it, with their values copied in (a loaded state dict, or steps
 * taken on the JS backend).
 */
function resident(s: AdamState, size: number): ResidentAdam | null {
  if (s.resident === undefined) s.resident = createResidentAdam(size);
  const r = s.resident;
  if (r === null) return null;
  if (s.expAvg !== r.m) s.expAvg = adopt(r.m, s.expAvg);
  if (s.expAvgSq !== r.v) s.expAvgSq = adopt(r.v, s.expAvgSq);
  if (s.maxExpAvgSq !== null && s.maxExpAvgSq !== r.vmax) s.maxExpAvgSq = adopt(r.vmax, s.maxExpAvgSq);
  return r;
}

function adopt(view: Float32Array, values: Storage): Float32Array {
  view.set(values);
  return view;
}

function zeros(p: Tensor): Storage {
  return p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size);
}

// The kernels follow torch's ops one by one, with torch's rounding: add(alpha=…) and addcmul are
// fused multiply-adds on x86-64 (see exact.ts); mul_, div and addcdiv round every operation.
//   grad.add(param, alpha=λ)                 fma(λ, p, g)
//   exp_avg.mul_(β1).add_(g, alpha=1−β1)     fma(1−β1, g, m·β1)
//   exp_avg_sq.mul_(β2).addcmul_(g, g, 1−β2) fma((1−β2)·g, g, v·β2)
//   (sqrt(v) / sqrt(bc2)).add_(eps)          √v / √bc2 + eps
//   param.addcdiv_(m, denom, value=−step)    p + (−step·m) / denom

export function adamF64(
  p: Float64Array,
  g: Float64Array,
  m: Float64Array,
  v: Float64Array,
  vmax: Float64Array | null,
  beta1: number,
  beta2: number,
  eps: number,
  l2: number,
  decoupled: boolean,
  decay: number,
  stepSize: number,
  bc2Sqrt: number,
  maximize: boolean,
): void {
  const n = p.length;
  const omb1 = 1 - beta1;
  const omb2 = 1 - beta2;
  const nss = -stepSize;
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    let pi = p[i];
    if (decoupled) pi = pi * decay;
    else if (l2 !== 0) gi = fma64(l2, pi, gi);
    const mi = fma64(omb1, gi, m[i] * beta1);
    m[i] = mi;
    let vi = fma64(omb2 * gi, gi, v[i] * beta2);
    v[i] = vi;
    if (vmax !== null) {
      const mx = Math.max(vmax[i], vi);
      vmax[i] = mx;
      vi = mx;
    }
    const denom = Math.sqrt(vi) / bc2Sqrt + eps;
    p[i] = pi + (nss * mi) / denom;
  }
}

/** float32: every operation rounds to float32 (Math.fround / fma32), as torch computes in float. */
export function adamF32(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vmax: Float32Array | null,
  beta1: number,
  beta2: number,
  eps: number,
  l2: number,
  decoupled: boolean,
  decay: number,
  stepSize: number,
  bc2Sqrt: number,
  maximize: boolean,
): void {
  const f = Math.fround;
  const n = p.length;
  const b1 = f(beta1);
  const b2 = f(beta2);
  const omb1 = f(1 - beta1);
  const omb2 = f(1 - beta2);
  const nss = f(-stepSize);
  const bc2 = f(bc2Sqrt);
  const eps32 = f(eps);
  const decay32 = f(decay);
  const l232 = f(l2);
  for (let i = 0; i < n; i++) {
    let gi = maximize ? -g[i] : g[i];
    let pi = p[i];
    if (decoupled) pi = f(pi * decay32);
    else if (l2 !== 0) gi = fma32(l232, pi, gi);
    const mi = fma32(omb1, gi, f(m[i] * b1));
    m[i] = mi;
    let vi = fma32(f(omb2 * gi), gi, f(v[i] * b2));
    v[i] = vi;
    if (vmax !== null) {
      const mx = Math.max(vmax[i], vi);
      vmax[i] = mx;
      vi = mx;
    }
    const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps32);
    p[i] = pi + f(f(nss * mi) / denom);
  }
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay: PyTorch's
 * `torch.optim.SGD`, same defaults and the same order of floating-point operations
 * (its single-tensor loop, including its fused multiply-adds), so results match PyTorch's bit for bit.
 */
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { checkNonNegative } from '../options.js';
import type { Storage } from '../tensor/dtype.js';
import { fma32, fma64 } from './exact.js';
import {
  checkBoolean,
  decodeBuffer,
  encodeBuffer,
  Optimizer,
  type OptimizerSpec,
  OptimizerStateError,
  type ParamStateJSON,
  type ParamsInput,
} from './optimizer.js';

/** SGD's hyper-parameters, as PyTorch's (lr, momentum, dampening, weight decay, Nesterov). */
export interface SGDHyper {
  /** Learning rate (required; no default, as in PyTorch). */
  lr: number;
  /** Momentum factor μ (default 0: plain SGD). */
  momentum: number;
  /** Dampening of the gradient in the momentum update (default 0). */
  dampening: number;
  /** Nesterov momentum (default false); needs momentum > 0 and dampening 0. */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient, g + λw (default 0). */
  weightDecay: number;
  /** Maximise the objective instead of minimising it (default false). */
  maximize: boolean;
}

/** Options of {@link SGD}: the learning rate is required. */
export type SGDOptions = Partial<SGDHyper> & { lr: number };

interface SGDState {
  /** The momentum buffer, created on the first step with momentum ≠ 0. */
  momentumBuffer: Storage | null;
}

const SGD_SPEC: OptimizerSpec<SGDHyper> = {
  name: 'SGD',
  defaults: { lr: undefined, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
  validate(h, where) {
    checkNonNegative(where, 'lr', h.lr);
    checkNonNegative(where, 'momentum', h.momentum);
    if (typeof h.dampening !== 'number' || !Number.isFinite(h.dampening)) {
      throw new ValueError(`${where}: dampening must be a finite number, got ${String(h.dampening)}`);
    }
    checkNonNegative(where, 'weightDecay', h.weightDecay);
    checkBoolean(where, 'nesterov', h.nesterov);
    checkBoolean(where, 'maximize', h.maximize);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new ValueError(`${where}: Nesterov momentum requires momentum > 0 and dampening 0`);
    }
  },
};

/**
 * `new SGD(params, {lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false})`.
 *
 * Per parameter with a gradient g: g ← g + λw; with momentum, buf ← g on its first step and
 * μ·buf + (1 − dampening)·g afterwards, then g ← g + μ·buf (Nesterov) or g ← buf; finally w ← w − lr·g.
 */
export class SGD extends Optimizer<SGDHyper, SGDState> {
  constructor(params: ParamsInput<SGDHyper>, options: SGDOptions) {
    super(SGD_SPEC, params, options);
  }

  step(): void {
    this.checkGroups();
    const groups = this.paramGroups;
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi];
      const { lr, momentum, dampening, nesterov, weightDecay, maximize } = group;
      const params = group.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi];
        const grad = p.grad;
        if (grad === null) continue;
        this.checkGrad(p, grad);
        let s = this.state.get(p);
        if (s === undefined) {
          s = { momentumBuffer: null };
          this.state.set(p, s);
        }
        let init = false;
        if (momentum !== 0 && s.momentumBuffer === null) {
          // The only allocation: the buffer, once. It is set to the (decayed) gradient below.
          s.momentumBuffer = p.dtype === 'float64' ? new Float64Array(p.size) : new Float32Array(p.size);
          init = true;
        }
        const buf = momentum !== 0 ? s.momentumBuffer : null;
        if (p.data instanceof Float64Array) {
          const g = grad.data as Float64Array;
          if (buf !== null && nesterov) {
            // Two loops with at most 3 emulated FMAs each, so that V8 inlines them all (see exact.ts).
            sgdBufferF64(p.data, g, buf as Float64Array, init, momentum, dampening, weightDecay, maximize);
            sgdNesterovF64(p.data, g, buf as Float64Array, lr, momentum, weightDecay, maximize);
          } else {
            sgdF64(
              p.data,
              g,
              buf as Float64Array | null,
              init,
              lr,
              momentum,
              dampening,
              weightDecay,
              maximize,
            );
          }
        } else {
          sgdF32(
            p.data,
            grad.data as Float32Array,
            buf as Float32Array | null,
            init,
            lr,
            momentum,
            dampening,
            nesterov,
            weightDecay,
            maximize,
          );
        }
      }
    }
  }

  protected encodeState(s: SGDState): ParamStateJSON {
    return { momentumBuffer: s.momentumBuffer === null ? null : encodeBuffer(s.momentumBuffer) };
  }

  protected decodeState(json: ParamStateJSON, p: Tensor, where: string): SGDState {
    for (const k of Object.keys(json)) {
      if (k !== 'momentumBuffer') throw new OptimizerStateError(`${where}: unknown key '${k}'`);
    }
    const b = json.momentumBuffer;
    return {
      momentumBuffer: b === null || b === undefined ? null : decodeBuffer(b, p, where, 'momentumBuffer'),
    };
  }
}

// The kernels follow torch's ops one by one, with torch's rounding: x.add(y, alpha=a) is a fused
// multiply-add on x86-64 (see exact.ts), mul_ is a plain product.
//   d.add(p, alpha=λ)                      fma(λ, p, d)
//   buf.mul_(μ).add_(d, alpha=1−dampening) fma(1−dampening, d, buf·μ)
//   d.add(buf, alpha=μ)                    fma(μ, buf, d)
//   p.add_(d, alpha=−lr)                   fma(−lr, d, p)

/** Plain SGD or momentum without Nesterov. */
function sgdF64(
  p: Float64Array,
  g: Float64Array,
  buf: Float64Array | null,
  init: boolean,
  lr: number,
  mu: number,
  dampening: number,
  wd: number,
  maximize: boolean,
): void {
  const n = p.length;
  const a = 1 - dampening;
  const nlr = -lr;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i] : g[i];
    if (wd !== 0) d = fma64(wd, p[i], d);
    if (buf !== null) {
      d = init ? d : fma64(a, d, buf[i] * mu);
      buf[i] = d;
    }
    p[i] = fma64(nlr, d, p[i]);
  }
}

/** Nesterov, first pass: the momentum buffer (p is not changed yet). */
function sgdBufferF64(
  p: Float64Array,
  g: Float64Array,
  buf: Float64Array,
  init: boolean,
  mu: number,
  dampening: number,
  wd: number,
  maximize: boolean,
): void {
  const n = p.length;
  const a = 1 - dampening;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i] : g[i];
    if (wd !== 0) d = fma64(wd, p[i], d);
    buf[i] = init ? d : fma64(a, d, buf[i] * mu);
  }
}

/** Nesterov, second pass: the same decayed gradient d again, then p ← p − lr·(d + μ·buf). */
function sgdNesterovF64(
  p: Float64Array,
  g: Float64Array,
  buf: Float64Array,
  lr: number,
  mu: number,
  wd: number,
  maximize: boolean,
): void {
  const n = p.length;
  const nlr = -lr;
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i] : g[i];
    if (wd !== 0) d = fma64(wd, p[i], d);
    p[i] = fma64(nlr, fma64(mu, buf[i], d), p[i]);
  }
}

/** float32: every operation rounds to float32 (Math.fround / fma32), as torch computes in float. */
function sgdF32(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array | null,
  init: boolean,
  lr: number,
  mu: number,
  dampening: number,
  nesterov: boolean,
  wd: number,
  maximize: boolean,
): void {
  const f = Math.fround;
  const n = p.length;
  const a = f(1 - dampening);
  const nlr = f(-lr);
  const mu32 = f(mu);
  const wd32 = f(wd);
  for (let i = 0; i < n; i++) {
    let d = maximize ? -g[i] : g[i];
    if (wd !== 0) d = fma32(wd32, p[i], d);
    if (buf !== null) {
      const b = init ? d : fma32(a, d, f(buf[i] * mu32));
      buf[i] = b;
      d = nesterov ? fma32(mu32, b, d) : b;
    }
    p[i] = fma32(nlr, d, p[i]);
  }
}

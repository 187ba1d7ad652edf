/**
 * A parameter's float32 Adam state resident in its own WebAssembly memory: the moments m, v (and
 * AMSGrad's vmax) live there between steps, so a step copies in only the parameter and its
 * gradient and copies out only the parameter. The memory is sized once and never grows, so the
 * moment views stay valid: the optimiser keeps them as its state buffers (state dicts, and the JS
 * kernel if the backend is switched, read and write them directly).
 */

import { ADAM_SCALARS, buildAdamModule } from './adam.js';
import { type WasmMemory, wasmApi } from './api.js';

const PAGE = 65536;

/** Everything the update needs besides the buffers, as float32 values (ADAM_SCALARS order). */
export interface AdamScalars {
  beta1: number;
  beta2: number;
  omb1: number;
  omb2: number;
  negStep: number;
  bc2Sqrt: number;
  eps: number;
  l2: number;
  decay: number;
}

export interface AdamVariant {
  decoupled: boolean;
  l2: boolean;
  amsgrad: boolean;
  maximize: boolean;
}

type AdamFn = (...args: number[]) => void;

/** Compiled modules by variant (at most 16: four flags). */
const modules = new Map<string, object>();

function moduleFor(v: AdamVariant): object {
  const key = `${+v.decoupled}${+v.l2}${+v.amsgrad}${+v.maximize}`;
  let mod = modules.get(key);
  if (mod === undefined) {
    const api = wasmApi as NonNullable<typeof wasmApi>;
    mod = new api.Module(buildAdamModule({ ...v, memory: { initial: 1, imported: true } }));
    modules.set(key, mod);
  }
  return mod;
}

export class ResidentAdam {
  readonly m: Float32Array;
  readonly v: Float32Array;
  /** AMSGrad's running maximum (allocated with the state, used only when amsgrad is on). */
  readonly vmax: Float32Array;
  private readonly memory: WasmMemory;
  private readonly p: Float32Array;
  private readonly g: Float32Array;
  private readonly fns = new Map<object, AdamFn>();
  private readonly groups: number;
  private readonly regionBytes: number;

  constructor(readonly size: number) {
    const api = wasmApi as NonNullable<typeof wasmApi>;
    this.groups = Math.ceil(size / 4);
    this.regionBytes = this.groups * 16;
    this.memory = new api.Memory({ initial: Math.ceil((5 * this.regionBytes) / PAGE) });
    const view = (i: number) => new Float32Array(this.memory.buffer, i * this.regionBytes, size);
    [this.p, this.g, this.m, this.v, this.vmax] = [0, 1, 2, 3, 4].map(view);
  }

  /** One step on `p` with gradient `g` (both of `size` floats); updates p in place. */
  step(p: Float32Array, g: Float32Array, variant: AdamVariant, s: AdamScalars): void {
    this.p.set(p);
    this.g.set(g);
    const r = this.regionBytes;
    const f = Math.fround;
    this.fn(variant)(this.groups, 0, r, 2 * r, 3 * r, 4 * r, ...ADAM_SCALARS.map((k) => f(s[k])));
    p.set(this.p);
  }

  private fn(variant: AdamVariant): AdamFn {
    const mod = moduleFor(variant);
    let fn = this.fns.get(mod);
    if (fn === undefined) {
      const api = wasmApi as NonNullable<typeof wasmApi>;
      fn = new api.Instance(mod, { env: { memory: this.memory } }).exports.adam as AdamFn;
      this.fns.set(mod, fn);
    }
    return fn;
  }
}

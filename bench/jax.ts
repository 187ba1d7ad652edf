/**
 * jax-js (`@jax-js/jax`, zero-dependency TypeScript that emits WebAssembly kernels at run time) as
 * a peer: its wasm device, jit-compiled. Used only under bench/ (a devDependency).
 *
 * jax-js arrays are reference counted and every function consumes its arguments: an array used
 * again later is passed as `a.ref`. `dataSync()` runs the pending kernels, copies the result out
 * and consumes the array, so a timed call that ends in `dataSync()` has really done its work.
 * Under Node jax-js runs on 1 thread: its wasm device starts workers only where a global `Worker`
 * exists (browsers), which Node 20 lacks.
 */
import { defaultDevice, init, jit, nn, numpy as np, valueAndGrad } from '@jax-js/jax';

export type Jnp = np.Array;

let ready: Promise<void> | null = null;

/** Initialises jax-js's wasm device and makes it the default. */
export function loadJax(): Promise<void> {
  ready ??= (async () => {
    const devices = await init('wasm');
    if (!devices.includes('wasm')) throw new Error('jax-js: the wasm device is unavailable');
    defaultDevice('wasm');
  })();
  return ready;
}

/** A float32 jax-js array holding a copy of `data`. */
export function jarray(data: Float32Array, shape: number[]): Jnp {
  return np.array(data.slice()).reshape(shape);
}

/** C = op(A)·op(B) jit-compiled, the transposes inside the traced function (jax-js fuses them). */
export function jaxMatmul(transA: boolean, transB: boolean): ((a: Jnp, b: Jnp) => Jnp) & { dispose(): void } {
  return jit((a: Jnp, b: Jnp) => np.matmul(transA ? a.transpose() : a, transB ? b.transpose() : b));
}

/** Parameters of the reference model: W stored [in, out] (jax's layout), b [out]. */
export type JaxParams = { w: Jnp[]; b: Jnp[] };

export interface JaxData {
  x: Jnp;
  onehot: Jnp;
  binary: Jnp;
  regression: Jnp;
}

const dense = (h: Jnp, w: Jnp, b: Jnp): Jnp => np.matmul(h, w).add(b);

/**
 * The reference loss: trunk of two ReLU layers, heads 10-class cross-entropy, binary
 * cross-entropy with logits (softplus(z) − z·y, the stable form), MSE; plus λ·½Σ‖W‖².
 */
export function referenceLoss(lambda: number) {
  return (p: JaxParams, d: JaxData): Jnp => {
    const h1 = nn.relu(dense(d.x, p.w[0].ref, p.b[0]));
    const h2 = nn.relu(dense(h1, p.w[1].ref, p.b[1]));
    const z0 = dense(h2.ref, p.w[2].ref, p.b[2]);
    const ce = nn.logSoftmax(z0, -1).mul(d.onehot).sum(-1).mean().neg();
    const z1 = dense(h2.ref, p.w[3].ref, p.b[3]);
    const bce = nn.softplus(z1.ref).sub(z1.mul(d.binary)).mean();
    const mse = np.square(dense(h2, p.w[4].ref, p.b[4]).sub(d.regression)).mean();
    const pen = p.w.map((w) => np.square(w).sum()).reduce((a, b) => a.add(b));
    return ce
      .add(bce)
      .add(mse)
      .add(pen.mul(0.5 * lambda));
  };
}

/** Adam's moments, one per parameter leaf. */
type Moments = { m: JaxParams; v: JaxParams };

/**
 * Adam as PyTorch writes it: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * p ← p − lr·(m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε). The bias corrections come in as arrays so the
 * jit-compiled update is traced once, not once per step.
 */
function adamUpdate(lr: number, b1: number, b2: number, eps: number) {
  const leaf = (p: Jnp, g: Jnp, m: Jnp, v: Jnp, c1: Jnp, c2: Jnp): [Jnp, Jnp, Jnp] => {
    const m1 = m.mul(b1).add(g.ref.mul(1 - b1));
    const v1 = v.mul(b2).add(np.square(g).mul(1 - b2));
    const step = m1.ref.mul(c1).div(np.sqrt(v1.ref.mul(c2)).add(eps));
    return [p.sub(step.mul(lr)), m1, v1];
  };
  return jit((p: JaxParams, g: JaxParams, s: Moments, c1: Jnp, c2: Jnp): [JaxParams, Moments] => {
    const out = { w: [] as Jnp[], b: [] as Jnp[] };
    const m = { w: [] as Jnp[], b: [] as Jnp[] };
    const v = { w: [] as Jnp[], b: [] as Jnp[] };
    for (const k of ['w', 'b'] as const) {
      for (let i = 0; i < p[k].length; i++) {
        const [pi, mi, vi] = leaf(p[k][i], g[k][i], s.m[k][i], s.v[k][i], c1.ref, c2.ref);
        out[k].push(pi);
        m[k].push(mi);
        v[k].push(vi);
      }
    }
    c1.dispose();
    c2.dispose();
    return [out, { m, v }];
  });
}

export interface JaxTrainer {
  /** One step; returns the loss before the update (its read forces the step's kernels). */
  step(): number;
  dispose(): void;
}

/**
 * The reference train step in jax-js: `jit(valueAndGrad(loss))`, then a jit-compiled Adam.
 * Owns `params` and `data` (consumed by the first step and replaced by each step's outputs).
 */
export function jaxTrainer(
  params: JaxParams,
  data: JaxData,
  opts: { lambda: number; lr: number; eps: number },
): JaxTrainer {
  const b1 = 0.9;
  const b2 = 0.999;
  const lossAndGrad = jit(valueAndGrad(referenceLoss(opts.lambda)));
  const update = adamUpdate(opts.lr, b1, b2, opts.eps);
  const zeros = (t: JaxParams): JaxParams => ({
    w: t.w.map((a) => np.zeros(a.shape)),
    b: t.b.map((a) => np.zeros(a.shape)),
  });
  let p = params;
  let s: Moments = { m: zeros(p), v: zeros(p) };
  let t = 0;
  const refData = (): JaxData => ({
    x: data.x.ref,
    onehot: data.onehot.ref,
    binary: data.binary.ref,
    regression: data.regression.ref,
  });
  const refParams = (q: JaxParams): JaxParams => ({ w: q.w.map((a) => a.ref), b: q.b.map((a) => a.ref) });
  return {
    step(): number {
      t += 1;
      const [loss, grads] = lossAndGrad(refParams(p), refData());
      const c1 = np.array(Float32Array.of(1 / (1 - b1 ** t)));
      const c2 = np.array(Float32Array.of(1 / (1 - b2 ** t)));
      const old = p;
      [p, s] = update(old, grads, s, c1, c2);
      return loss.dataSync()[0];
    },
    dispose(): void {
      for (const a of [...p.w, ...p.b, ...s.m.w, ...s.m.b, ...s.v.w, ...s.v.b]) a.dispose();
      for (const a of Object.values(data)) a.dispose();
      lossAndGrad.dispose();
      update.dispose();
    },
  };
}

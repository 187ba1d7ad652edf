/**
 * Linear-layer suite: one forward and backward pass of a single Linear layer (Y = X·Wᵀ + b, then
 * dX, dW and db from an upstream gradient dY), the three products of the matmul suite plus the
 * bias, as a layer runs them: mtlgrad through `Linear.forward` + `backward(dY)` (where its
 * backends fuse the bias into the product), TF.js through `tf.valueAndGrads`, jax-js through
 * `jit(valueAndGrad)` of ⟨Y, dY⟩ (whose gradient is the same vector-Jacobian product).
 */

import { jit, numpy as np, valueAndGrad } from '@jax-js/jax';
import { Linear, Tensor } from '../src/index.js';
import { type MtlgradVariant, mtlgradVariants } from './backends.js';
import {
  type CaseResult,
  type Contender,
  fmt,
  fmtRatio,
  maxRelDiff,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
  transposed,
} from './harness.js';
import { type Jnp, jarray, loadJax } from './jax.js';
import { type LayerShape, SHAPES } from './matmul.js';
import { naiveMatmul } from './naive.js';
import { PEER_LABELS, PEERS, peersNote, ratiosVsPeers } from './peers.js';
import { loadTfWasm, loadTfWithGradients, type Tf, type TfBackend, useTfBackend } from './tf.js';

const LINEAR_SHAPES = SHAPES.filter((s) => ['256³', '512³', '256×784×512'].includes(s.label));

interface Inputs {
  x: Float32Array;
  /** W stored [fanOut, fanIn] (mtlgrad, PyTorch) and transposed [fanIn, fanOut] (TF.js, jax-js). */
  w: Float32Array;
  wt: Float32Array;
  b: Float32Array;
  dy: Float32Array;
}

function inputs(s: LayerShape, seed: number): Inputs {
  const w = randomFloat32(s.fanOut * s.fanIn, seed + 1);
  return {
    x: randomFloat32(s.batch * s.fanIn, seed),
    w,
    wt: transposed(w, s.fanOut, s.fanIn),
    b: randomFloat32(s.fanOut, seed + 2),
    dy: randomFloat32(s.batch * s.fanOut, seed + 3),
  };
}

/** mtlgrad: the layer's forward and backward; returns dX. */
function mtlgradPass(s: LayerShape, d: Inputs) {
  const layer = new Linear(s.fanIn, s.fanOut);
  layer.weight.data.set(d.w);
  layer.bias!.data.set(d.b);
  const x = new Tensor(d.x, [s.batch, s.fanIn], true);
  const dy = new Tensor(d.dy, [s.batch, s.fanOut]);
  return () => {
    layer.zeroGrad();
    x.zeroGrad();
    layer.forward(x).backward(dy);
    return x.grad!.data;
  };
}

/** TF.js on one backend (tensors created there): value and the three gradients, all read back. */
function tfPass(tf: Tf, backend: TfBackend, s: LayerShape, d: Inputs) {
  useTfBackend(backend);
  const x = tf.tensor2d(d.x, [s.batch, s.fanIn]);
  const w = tf.tensor2d(d.wt, [s.fanIn, s.fanOut]);
  const b = tf.tensor1d(d.b);
  const dy = tf.tensor2d(d.dy, [s.batch, s.fanOut]);
  const f = tf.valueAndGrads((xx, ww, bb) => tf.add(tf.matMul(xx, ww), bb));
  const fn = () => {
    const { value, grads } = f([x, w, b], dy);
    const dx = grads[0].dataSync();
    grads[1].dataSync();
    grads[2].dataSync();
    value.dataSync();
    for (const t of [value, ...grads]) t.dispose();
    return dx;
  };
  const dispose = () => {
    useTfBackend(backend);
    for (const t of [x, w, b, dy]) t.dispose();
  };
  return { fn, dispose };
}

/** jax-js: jit(valueAndGrad(⟨X·W + b, dY⟩)) with respect to X, W and b, all read back. */
function jaxPass(s: LayerShape, d: Inputs) {
  const a = {
    x: jarray(d.x, [s.batch, s.fanIn]),
    w: jarray(d.wt, [s.fanIn, s.fanOut]),
    b: jarray(d.b, [s.fanOut]),
    dy: jarray(d.dy, [s.batch, s.fanOut]),
  };
  const f = jit(
    valueAndGrad((x: Jnp, w: Jnp, b: Jnp, dy: Jnp) => np.matmul(x, w).add(b).mul(dy).sum(), {
      argnums: [0, 1, 2],
    }),
  );
  const fn = () => {
    const [value, [dx, dw, db]] = f(a.x.ref, a.w.ref, a.b.ref, a.dy.ref);
    value.dataSync();
    dw.dataSync();
    db.dataSync();
    return dx.dataSync();
  };
  const dispose = () => {
    for (const t of Object.values(a)) t.dispose();
    f.dispose();
  };
  return { fn, dispose };
}

function contenders(tf: Tf, variants: readonly MtlgradVariant[], s: LayerShape, d: Inputs) {
  const ref = naiveMatmul(d.dy, d.w, s.batch, s.fanIn, s.fanOut);
  const check = (name: string, dx: ArrayLike<number>) => {
    const err = maxRelDiff(dx, ref);
    if (!(err <= 1e-4))
      throw new Error(`linear ${s.label}: ${name}'s dX disagrees with the naive loop (${err})`);
  };
  const list: Contender[] = [];
  for (const v of variants) {
    v.setup();
    const fn = mtlgradPass(s, d);
    check(v.name, fn());
    list.push({ name: v.name, fn, setup: v.setup });
  }
  const tfs = (['cpu', 'wasm'] as const).map((be) => ({ be, pass: tfPass(tf, be, s, d) }));
  for (const { be, pass } of tfs) {
    check(`tfjs-${be}`, pass.fn());
    list.push({ name: `tfjs-${be}`, fn: pass.fn, setup: () => useTfBackend(be) });
  }
  const jax = jaxPass(s, d);
  check('jax-js', jax.fn());
  list.push({ name: 'jax-js', fn: jax.fn });
  const dispose = () => {
    for (const t of tfs) t.pass.dispose();
    jax.dispose();
  };
  return { list, dispose };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTfWithGradients();
  const tfWasm = await loadTfWasm();
  await loadJax();
  const { variants, primary, note } = mtlgradVariants();
  const cases: CaseResult[] = [];
  const rows: string[][] = [];
  let seed = 101;
  for (const s of LINEAR_SHAPES) {
    const c = contenders(tf, variants, s, inputs(s, (seed += 5)));
    ctx.log(`linear ${s.label} forward + backward`);
    const impls = measure(c.list, { quick: ctx.quick });
    c.dispose();
    // Three products of batch·fanIn·fanOut multiply-adds each.
    const flop = 3 * 2 * s.batch * s.fanIn * s.fanOut;
    for (const r of Object.values(impls)) r.gflops = flop / (r.medianMs * 1e6);
    const ratios = ratiosVsPeers(impls, variants);
    cases.push({
      name: s.label,
      params: { batch: s.batch, fanIn: s.fanIn, fanOut: s.fanOut, flop },
      impls,
      ratios,
    });
    rows.push([
      s.label,
      ...variants.map((v) => fmt(impls[v.name].medianMs)),
      ...PEERS.map((p) => fmt(impls[p].medianMs)),
      ...PEERS.map((p) => fmtRatio(ratios[`${primary.name}/${p}`])),
    ]);
  }
  const short = primary.label.replace(/^mtlgrad /, '').replace(/ \(.*\)$/, '');
  return {
    cases,
    tables: [
      {
        title: 'Linear layer forward + backward, float32 (median wall-clock ms per pass)',
        columns: [
          'shape (batch×in×out)',
          ...variants.map((v) => v.label.replace(/ \(.*\)$/, '')),
          ...PEERS.map((p) => PEER_LABELS[p]),
          ...PEERS.map((p) => `${short} ÷ ${PEER_LABELS[p]}`),
        ],
        rows,
        notes: [
          'One pass: Y = X·Wᵀ + b, then dX, dW and db from a fixed upstream gradient dY (6·batch·in·out flop in all), ' +
            'every output read back. mtlgrad: `layer.forward(x).backward(dY)` with x requiring its gradient.',
          note,
          peersNote(tfWasm.threads),
          'TF.js: `tf.valueAndGrads` of `x·w + b` with dY as the seed. jax-js: `jit(valueAndGrad)` of ⟨x·w + b, dY⟩ ' +
            'over (x, w, b). dX is checked against a naive loop before timing.',
        ],
      },
    ],
  };
}

export const linearSuite: Suite = {
  name: 'linear',
  title: 'Linear layer',
  description:
    'One forward and backward pass of a single Linear layer (the three products plus the bias) on each mtlgrad ' +
    'backend, against TF.js 4.22 (cpu, wasm) and jax-js 0.1.25 (wasm, jit), in wall-clock time.',
  clock: 'wall',
  run,
};

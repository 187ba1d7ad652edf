/**
 * Train-step suite: one optimisation step (forward, backward, Adam update) of a 3-head multi-task
 * MLP in mtlgrad (each backend row), TF.js cpu and wasm (`optimizer.minimize`) and jax-js
 * (`jit(valueAndGrad(loss))` + a jit-compiled Adam), plus a heap-growth check of mtlgrad.
 *
 * Model: batch 256 of 128 features; trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU; heads
 * Linear(256→10) with 10-class cross-entropy, Linear(256→1) with binary cross-entropy on logits,
 * Linear(256→1) with MSE; loss = sum of the three + λ·½·Σ‖W‖² over the weight matrices (λ = 1e-4);
 * Adam, lr 1e-3, eps 1e-8. The peers get the same initial weights (stored [in, out], their idiomatic
 * layout), the same data and the same loss, so all trajectories agree, which is checked.
 */

import { add, manualSeed, Tensor } from '../src/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, Linear, MLP, mse } from '../src/nn/index.js';
import { Adam, l2Penalty } from '../src/optim/index.js';
import { type MtlgradVariant, mtlgradVariants } from './backends.js';
import {
  type CaseResult,
  type Contender,
  fmt,
  fmtRatio,
  heapUsed,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
  type Table,
  transposed,
} from './harness.js';
import { type JaxTrainer, jarray, jaxTrainer, loadJax } from './jax.js';
import { PEER_LABELS, PEERS, type PeerName, peersNote, ratiosVsPeers } from './peers.js';
import { loadTfWasm, loadTfWithGradients, type Tf, useTfBackend } from './tf.js';

const BATCH = 256;
const IN = 128;
const HIDDEN = 256;
const CLASSES = 10;
const LAMBDA = 1e-4;
const LR = 1e-3;

export interface Data {
  x: Float32Array;
  labels: Int32Array;
  binary: Float32Array;
  regression: Float32Array;
}

export function makeData(): Data {
  const x = randomFloat32(BATCH * IN, 21);
  const u = randomFloat32(BATCH * 3, 22);
  const labels = new Int32Array(BATCH);
  const binary = new Float32Array(BATCH);
  const regression = new Float32Array(BATCH);
  for (let i = 0; i < BATCH; i++) {
    labels[i] = Math.min(CLASSES - 1, Math.floor(((u[3 * i] + 1) / 2) * CLASSES));
    binary[i] = u[3 * i + 1] > 0 ? 1 : 0;
    regression[i] = u[3 * i + 2];
  }
  return { x, labels, binary, regression };
}

/** The mtlgrad model, its optimiser and a step function returning the loss value (reused by future suites). */
export function mtlgradModel(data: Data) {
  manualSeed(5);
  const trunk = new MLP([IN, HIDDEN, HIDDEN], { activation: 'relu', outputActivation: 'relu' });
  const heads = [new Linear(HIDDEN, CLASSES), new Linear(HIDDEN, 1), new Linear(HIDDEN, 1)];
  const params = [...trunk.parameters(), ...heads.flatMap((h) => h.parameters())];
  const weights = params.filter((p) => p.rank === 2);
  const opt = new Adam(params, { lr: LR, eps: 1e-8 });
  const x = new Tensor(data.x, [BATCH, IN]);
  const step = (): number => {
    opt.zeroGrad();
    const h = trunk.forward(x);
    const loss = add(
      add(
        crossEntropy(heads[0].forward(h), data.labels),
        binaryCrossEntropyWithLogits(heads[1].forward(h), data.binary),
      ),
      add(mse(heads[2].forward(h), data.regression), l2Penalty(weights, LAMBDA)),
    );
    loss.backward();
    opt.step();
    return loss.item();
  };
  const layers: Linear[] = [trunk.layers.at(0), trunk.layers.at(1), ...heads];
  return { step, layers, params };
}

/** W of a [out, in] layer transposed to [in, out]. */
function weightInOut(l: Linear): Float32Array {
  const [out, inp] = l.weight.shape;
  return transposed(l.weight.data, out, inp);
}

/** The same network in jax-js, initialised from mtlgrad's layers. */
function jaxModel(data: Data, layers: Linear[]): JaxTrainer {
  const onehot = new Float32Array(BATCH * CLASSES);
  for (let i = 0; i < BATCH; i++) onehot[i * CLASSES + data.labels[i]] = 1;
  const params = {
    w: layers.map((l) => jarray(weightInOut(l), [l.weight.shape[1], l.weight.shape[0]])),
    b: layers.map((l) => jarray(l.bias!.data as Float32Array, [l.weight.shape[0]])),
  };
  const jdata = {
    x: jarray(data.x, [BATCH, IN]),
    onehot: jarray(onehot, [BATCH, CLASSES]),
    binary: jarray(data.binary, [BATCH, 1]),
    regression: jarray(data.regression, [BATCH, 1]),
  };
  return jaxTrainer(params, jdata, { lambda: LAMBDA, lr: LR, eps: 1e-8 });
}

/**
 * The same network in TF.js on the active backend, initialised from mtlgrad's layers (W
 * transposed to [in, out]).
 */
function tfModel(tf: Tf, data: Data, layers: Linear[]) {
  const vars = layers.map((l, i) => {
    const [out, inp] = l.weight.shape;
    // Copies: the cpu backend keeps a reference to the array it is given, and mtlgrad updates its own in place.
    const w = tf.tensor2d(weightInOut(l), [inp, out]);
    const b = tf.tensor1d(Float32Array.from(l.bias!.data));
    return {
      w: tf.variable(w, true, `${tf.getBackend()}-w${i}`),
      b: tf.variable(b, true, `${tf.getBackend()}-b${i}`),
      dispose: () => {
        w.dispose();
        b.dispose();
      },
    };
  });
  for (const v of vars) v.dispose();
  const varList = vars.flatMap((v) => [v.w, v.b]);
  const x = tf.tensor2d(data.x.slice(), [BATCH, IN]);
  const labelIdx = tf.tensor1d(data.labels, 'int32');
  const onehot = tf.oneHot(labelIdx, CLASSES);
  labelIdx.dispose();
  const bin = tf.tensor2d(data.binary.slice(), [BATCH, 1]);
  const reg = tf.tensor2d(data.regression.slice(), [BATCH, 1]);
  const opt = tf.train.adam(LR, 0.9, 0.999, 1e-8);
  type T2 = ReturnType<Tf['tensor2d']>;
  const dense = (h: T2, i: number): T2 => tf.add(tf.matMul(h, vars[i].w), vars[i].b);
  const lossFn = () => {
    const h1 = tf.relu(dense(x, 0));
    const h2 = tf.relu(dense(h1, 1));
    const ce = tf.losses.softmaxCrossEntropy(onehot, dense(h2, 2));
    const bce = tf.losses.sigmoidCrossEntropy(bin, dense(h2, 3));
    const sq = tf.losses.meanSquaredError(reg, dense(h2, 4));
    const pen = tf.mul(0.5 * LAMBDA, tf.addN(vars.map((v) => tf.sum(tf.square(v.w)))));
    return tf.addN([ce, bce, sq, pen]) as ReturnType<Tf['scalar']>;
  };
  const step = (): number => {
    const cost = opt.minimize(lossFn, true, varList)!;
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
  const dispose = () => {
    for (const t of [x, onehot, bin, reg, ...varList]) t.dispose();
    opt.dispose();
  };
  return { step, dispose };
}

const STEPS_CHECKED = 5;

function trajectory(step: () => number): number[] {
  return Array.from({ length: STEPS_CHECKED }, step);
}

/**
 * Same model, same data, same optimiser: every trajectory must agree with the reference one
 * (float32 rounding aside; Adam's updates amplify it a little from step 1 on).
 */
function checkTrajectories(ref: string, all: Record<string, number[]>): void {
  for (const [name, losses] of Object.entries(all)) {
    for (const [i, b] of all[ref].entries()) {
      const rel = Math.abs(losses[i] - b) / Math.abs(b);
      if (!(rel < (i === 0 ? 1e-5 : 1e-3))) {
        throw new Error(
          `train-step: ${name} and ${ref} losses differ at step ${i}: ${losses[i]} vs ${b} (the models are not equivalent)`,
        );
      }
    }
  }
}

interface Built {
  contenders: Contender[];
  trajectories: Record<string, number[]>;
  /** The mtlgrad model of each variant, by variant name. */
  models: Map<string, ReturnType<typeof mtlgradModel>>;
  tfDispose: () => void;
  jax: JaxTrainer;
}

/** Every contender from the same initial weights, each trajectory over the first steps recorded. */
function build(tf: Tf, data: Data, variants: readonly MtlgradVariant[]): Built {
  const models = new Map(
    variants.map((v) => {
      v.setup();
      return [v.name, mtlgradModel(data)] as const;
    }),
  );
  const init = models.get(variants[0].name)!.layers;
  useTfBackend('cpu');
  const tfCpu = tfModel(tf, data, init);
  useTfBackend('wasm');
  const tfWasm = tfModel(tf, data, init);
  const jax = jaxModel(data, init);
  const trajectories: Record<string, number[]> = {};
  const contenders: Contender[] = [];
  for (const v of variants) {
    const step = models.get(v.name)!.step;
    v.setup();
    trajectories[v.name] = trajectory(step);
    contenders.push({ name: v.name, fn: step, setup: v.setup });
  }
  const peers: Record<PeerName, { step: () => number; setup?: () => void }> = {
    'tfjs-cpu': { step: tfCpu.step, setup: () => useTfBackend('cpu') },
    'tfjs-wasm': { step: tfWasm.step, setup: () => useTfBackend('wasm') },
    'jax-js': { step: jax.step },
  };
  for (const p of PEERS) {
    peers[p].setup?.();
    trajectories[p] = trajectory(peers[p].step);
    contenders.push({ name: p, fn: peers[p].step, ...(peers[p].setup ? { setup: peers[p].setup } : {}) });
  }
  useTfBackend('cpu');
  const tfDispose = () => {
    useTfBackend('cpu');
    tfCpu.dispose();
    useTfBackend('wasm');
    tfWasm.dispose();
    useTfBackend('cpu');
  };
  return { contenders, trajectories, models, tfDispose, jax };
}

/** Heap growth of mtlgrad over many steps: the graph must be released after every backward. */
function heapGrowth(ctx: SuiteContext, v: MtlgradVariant, step: () => number) {
  const [n1, n2] = ctx.quick ? [20, 200] : [200, 2000];
  ctx.log(`train-step: heap after ${n1} and ${n2} steps of ${v.label}`);
  v.setup();
  const heap0 = heapUsed();
  let done = 0;
  let lastLoss = 0;
  const runTo = (n: number) => {
    for (; done < n; done++) lastLoss = step();
  };
  runTo(n1);
  const heap1 = heapUsed();
  runTo(n2);
  const heap2 = heapUsed();
  if (!Number.isFinite(lastLoss)) throw new Error(`train-step: loss is ${lastLoss} after ${n2} steps`);
  const mb = (b: number) => b / 2 ** 20;
  const snaps = [heap0, heap1, heap2];
  return {
    variant: v.name,
    gc: heap0.gc,
    steps: [0, n1, n2],
    heapUsedMB: snaps.map((h) => mb(h.bytes)),
    arrayBuffersMB: snaps.map((h) => mb(h.arrayBuffers)),
    growthMB: mb(heap2.bytes) - mb(heap1.bytes),
    growthMBPer1000Steps: ((mb(heap2.bytes) - mb(heap1.bytes)) / (n2 - n1)) * 1000,
    lossAfter: lastLoss,
  };
}

function stepTable(
  impls: CaseResult['impls'],
  ratios: Record<string, number>,
  variants: readonly MtlgradVariant[],
  notes: string[],
): Table {
  const ratioCells = (name: string) =>
    PEERS.map((p) => (ratios[`${name}/${p}`] === undefined ? '' : fmtRatio(ratios[`${name}/${p}`])));
  const row = (name: string, label: string) => [
    label,
    fmt(impls[name].medianMs),
    fmt(impls[name].stepsPerSec),
    fmt(impls[name].samplesPerSec),
    ...ratioCells(name),
  ];
  return {
    title: 'Train step: forward + backward + Adam update, batch 256 (wall-clock time)',
    columns: [
      'library',
      'median ms / step',
      'steps/s',
      'samples/s',
      ...PEERS.map((p) => `÷ ${PEER_LABELS[p]}`),
    ],
    rows: [...variants.map((v) => row(v.name, v.label)), ...PEERS.map((p) => row(p, PEER_LABELS[p]))],
    notes,
  };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTfWithGradients();
  const tfWasm = await loadTfWasm();
  await loadJax();
  const data = makeData();
  const { variants, primary, note } = mtlgradVariants();
  const built = build(tf, data, variants);
  checkTrajectories(primary.name, built.trajectories);
  const tensorsBefore = tf.memory().numTensors;

  ctx.log(`train-step: timing ${built.contenders.map((c) => c.name).join(', ')}`);
  const impls = measure(built.contenders, { quick: ctx.quick });
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`train-step: the tfjs steps leak ${leaked} tensors per run`);
  built.tfDispose();
  built.jax.dispose();
  for (const r of Object.values(impls)) {
    r.stepsPerSec = 1000 / r.medianMs;
    r.samplesPerSec = (BATCH * 1000) / r.medianMs;
  }
  const ratios = ratiosVsPeers(impls, variants);
  const heap = heapGrowth(ctx, primary, built.models.get(primary.name)!.step);
  const last = STEPS_CHECKED - 1;
  const t = built.trajectories;
  const cases: CaseResult[] = [
    {
      name: 'MLP 128→256→256, 3 heads, batch 256',
      params: {
        batch: BATCH,
        inputs: IN,
        hidden: HIDDEN,
        heads: 'ce10+bce+mse',
        lambda: LAMBDA,
        lr: LR,
        parameters: built.models.get(primary.name)!.params.reduce((n: number, p: Tensor) => n + p.size, 0),
        lossStep0: t[primary.name][0],
        ...Object.fromEntries(Object.entries(t).map(([k, v]) => [`lossStep${last}:${k}`, v[last]])),
      },
      impls,
      ratios,
    },
  ];
  const agree = Object.entries(t)
    .map(([k, v]) => `${k} ${v[last].toFixed(5)}`)
    .join(', ');
  const heapTable: Table = {
    title: `Heap of mtlgrad training, ${primary.label} (after ${heap.gc ? 'a full GC' : 'no GC: no gc function available'})`,
    columns: ['after steps', 'heapUsed MB', 'ArrayBuffers MB'],
    rows: heap.steps.map((s, i) => [String(s), fmt(heap.heapUsedMB[i]), fmt(heap.arrayBuffersMB[i])]),
    notes: [
      `heapUsed growth between ${heap.steps[1]} and ${heap.steps[2]} steps: ${fmt(heap.growthMB)} MB ` +
        `(${fmt(heap.growthMBPer1000Steps)} MB per 1,000 steps; target < 5 MB over 2,000 steps).`,
    ],
  };
  const notes = [
    'Model: trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU; heads Linear(256→10) + cross-entropy, Linear(256→1) + ' +
      'binary cross-entropy with logits, Linear(256→1) + MSE; loss = sum + 1e-4·½·Σ‖W‖²; Adam(lr 1e-3, eps 1e-8).',
    note,
    peersNote(tfWasm.threads),
    'TF.js: the same weights (tf.variable), tf.losses.softmaxCrossEntropy / sigmoidCrossEntropy / meanSquaredError, ' +
      'tf.train.adam(1e-3).minimize + dataSync of the cost. jax-js: `jit(valueAndGrad(loss))` over the same loss, then ' +
      'Adam written in jax-js and jit-compiled; the loss read (`dataSync`) ends each step.',
    `Every contender starts from the same weights; the losses agree over the first ${STEPS_CHECKED} steps ` +
      `(checked; step ${last}: ${agree}).`,
    'Ratios: throughput of the row ÷ that of the peer, from the same run (>1: the mtlgrad row is faster).',
  ];
  return { cases, extra: { heap }, tables: [stepTable(impls, ratios, variants, notes), heapTable] };
}

export const trainStepSuite: Suite = {
  name: 'train-step',
  title: 'Train step (multi-task MLP)',
  description:
    'One training step (forward, backward, Adam update) of a 3-head multi-task MLP on a batch of 256: mtlgrad on each ' +
    'backend against TF.js 4.22 (cpu and wasm backends, `optimizer.minimize`) and jax-js 0.1.25 (wasm, ' +
    '`jit(valueAndGrad)` + Adam) with identical weights, data and loss; then the heap after many mtlgrad steps. ' +
    'Wall-clock time, since the wasm backend may use several threads.',
  clock: 'wall',
  run,
};

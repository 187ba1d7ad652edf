/**
 * Train-step suite: one optimisation step (forward, backward, Adam update) of a 3-head multi-task
 * MLP in mtlgrad and in TF.js (`optimizer.minimize`), plus a heap-growth check of mtlgrad.
 *
 * Model: batch 256 of 128 features; trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU; heads
 * Linear(256→10) with 10-class cross-entropy, Linear(256→1) with binary cross-entropy on logits,
 * Linear(256→1) with MSE; loss = sum of the three + λ·½·Σ‖W‖² over the weight matrices (λ = 1e-4);
 * Adam, lr 1e-3, eps 1e-8. TF.js gets the same initial weights (stored [in, out], its idiomatic
 * layout), the same data and the same loss, so both trajectories agree, which is checked.
 */

import { add, manualSeed, Tensor } from '../src/index.js';
import { binaryCrossEntropyWithLogits, crossEntropy, Linear, MLP, mse } from '../src/nn/index.js';
import { Adam, l2Penalty } from '../src/optim/index.js';
import {
  type CaseResult,
  fmt,
  fmtRatio,
  heapUsed,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
} from './harness.js';
import { loadTfWithGradients, type Tf } from './tf.js';

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

/** The same network in TF.js, initialised from mtlgrad's layers (W transposed to [in, out]). */
function tfModel(tf: Tf, data: Data, layers: Linear[]) {
  const vars = layers.map((l, i) => {
    const [out, inp] = l.weight.shape;
    // Copies: the cpu backend keeps a reference to the array it is given, and mtlgrad updates its own in place.
    const w = tf.tidy(() => tf.transpose(tf.tensor2d(Float32Array.from(l.weight.data), [out, inp])));
    const b = tf.tensor1d(Float32Array.from(l.bias!.data));
    return {
      w: tf.variable(w, true, `w${i}`),
      b: tf.variable(b, true, `b${i}`),
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

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTfWithGradients();
  const data = makeData();
  const mine = mtlgradModel(data);
  const theirs = tfModel(tf, data, mine.layers);

  // Same model, same data, same optimiser: the loss trajectories must agree (float32 rounding aside).
  const trajectory: [number, number][] = [];
  for (let i = 0; i < 5; i++) trajectory.push([mine.step(), theirs.step()]);
  for (const [i, [a, b]] of trajectory.entries()) {
    const rel = Math.abs(a - b) / Math.abs(b);
    if (!(rel < (i === 0 ? 1e-5 : 1e-3))) {
      throw new Error(
        `train-step: mtlgrad and tfjs losses differ at step ${i}: ${a} vs ${b} (the models are not equivalent)`,
      );
    }
  }
  const tensorsBefore = tf.memory().numTensors;

  ctx.log('train-step: timing mtlgrad vs tfjs');
  const impls = measure(
    [
      { name: 'mtlgrad', fn: mine.step },
      { name: 'tfjs', fn: theirs.step },
    ],
    { quick: ctx.quick },
  );
  const leaked = tf.memory().numTensors - tensorsBefore;
  if (leaked !== 0) throw new Error(`train-step: the tfjs step leaks ${leaked} tensors per run`);
  theirs.dispose();
  for (const r of Object.values(impls)) {
    r.stepsPerSec = 1000 / r.medianMs;
    r.samplesPerSec = (BATCH * 1000) / r.medianMs;
  }
  const ratio = impls.tfjs.medianMs / impls.mtlgrad.medianMs;

  // Heap growth of mtlgrad over many steps: the graph must be released after every backward.
  const [n1, n2] = ctx.quick ? [20, 200] : [200, 2000];
  ctx.log(`train-step: heap after ${n1} and ${n2} mtlgrad steps`);
  const heap0 = heapUsed();
  let done = 0;
  let lastLoss = 0;
  const runTo = (n: number) => {
    for (; done < n; done++) lastLoss = mine.step();
  };
  runTo(n1);
  const heap1 = heapUsed();
  runTo(n2);
  const heap2 = heapUsed();
  const mb = (b: number) => b / 2 ** 20;
  const heap = {
    gc: heap0.gc,
    steps: [0, n1, n2],
    heapUsedMB: [mb(heap0.bytes), mb(heap1.bytes), mb(heap2.bytes)],
    growthMBPer1000Steps: ((mb(heap2.bytes) - mb(heap1.bytes)) / (n2 - n1)) * 1000,
    lossAfter: lastLoss,
  };
  if (!Number.isFinite(lastLoss)) throw new Error(`train-step: loss is ${lastLoss} after ${n2} steps`);

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
        parameters: mine.params.reduce((n: number, p: Tensor) => n + p.size, 0),
        lossStep0: trajectory[0][0],
        lossStep4Mtlgrad: trajectory[4][0],
        lossStep4Tfjs: trajectory[4][1],
      },
      impls,
      ratios: { 'mtlgrad/tfjs': ratio },
    },
  ];
  return {
    cases,
    extra: { heap },
    tables: [
      {
        title: 'Train step: forward + backward + Adam update, batch 256',
        columns: ['library', 'median ms / step', 'steps/s', 'samples/s', 'mtlgrad ÷ tfjs'],
        rows: [
          [
            'mtlgrad',
            fmt(impls.mtlgrad.medianMs),
            fmt(impls.mtlgrad.stepsPerSec),
            fmt(impls.mtlgrad.samplesPerSec),
            fmtRatio(ratio),
          ],
          [
            'tfjs (cpu)',
            fmt(impls.tfjs.medianMs),
            fmt(impls.tfjs.stepsPerSec),
            fmt(impls.tfjs.samplesPerSec),
            '',
          ],
        ],
        notes: [
          'Model: trunk Linear(128→256)–ReLU–Linear(256→256)–ReLU; heads Linear(256→10) + cross-entropy, Linear(256→1) + ' +
            'binary cross-entropy with logits, Linear(256→1) + MSE; loss = sum + 1e-4·½·Σ‖W‖²; Adam(lr 1e-3, eps 1e-8).',
          `TF.js: the same weights (tf.variable), tf.losses.softmaxCrossEntropy / sigmoidCrossEntropy / meanSquaredError, ` +
            `tf.train.adam(1e-3).minimize + dataSync of the cost. Losses agree over the first 5 steps ` +
            `(step 4: ${trajectory[4][0].toFixed(5)} vs ${trajectory[4][1].toFixed(5)}).`,
        ],
      },
      {
        title: `Heap of mtlgrad training (heapUsed after ${heap.gc ? 'a full GC' : 'no GC: no gc function available'})`,
        columns: ['after steps', 'heapUsed MB'],
        rows: heap.steps.map((s, i) => [String(s), fmt(heap.heapUsedMB[i])]),
        notes: [
          `Growth between ${n1} and ${n2} steps: ${fmt(heap.growthMBPer1000Steps)} MB per 1,000 steps.`,
        ],
      },
    ],
  };
}

export const trainStepSuite: Suite = {
  name: 'train-step',
  title: 'Train step (multi-task MLP)',
  description:
    'One training step (forward, backward, Adam update) of a 3-head multi-task MLP on a batch of 256, mtlgrad against ' +
    'TF.js 4.22 (cpu backend, `optimizer.minimize`) with identical weights, data and loss; then the heap after many mtlgrad steps.',
  run,
};

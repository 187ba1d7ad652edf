/**
 * Matmul suite: float32 GFLOP/s of mtlgrad's `matmul` against a naive i-k-j loop and TF.js's CPU
 * backend, for squares and for the products a Linear layer computes (forward, input gradient,
 * weight gradient), all three measured in the same run.
 */
import { matmul, Tensor } from '../src/index.js';
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
  type Table,
} from './harness.js';
import { naiveMatmul } from './naive.js';
import { loadTf } from './tf.js';

/** A linear layer's product shapes: X [batch, fanIn], W [fanOut, fanIn], Y = dY [batch, fanOut]. */
export interface LayerShape {
  label: string;
  batch: number;
  fanIn: number;
  fanOut: number;
}

export type Form = 'forward' | 'dX' | 'dW';

/** The three products of a linear layer, as mtlgrad's backward computes them. */
export const FORMS: readonly { form: Form; label: string; call: string }[] = [
  { form: 'forward', label: 'Y = X·Wᵀ', call: 'matmul(X, W, {transposeB: true})' },
  { form: 'dX', label: 'dX = dY·W', call: 'matmul(dY, W)' },
  { form: 'dW', label: 'dW = dYᵀ·X', call: 'matmul(dY, X, {transposeA: true})' },
];

export const SHAPES: readonly LayerShape[] = [
  { label: '64³', batch: 64, fanIn: 64, fanOut: 64 },
  { label: '128³', batch: 128, fanIn: 128, fanOut: 128 },
  { label: '256³', batch: 256, fanIn: 256, fanOut: 256 },
  { label: '512³', batch: 512, fanIn: 512, fanOut: 512 },
  { label: '256×784×512', batch: 256, fanIn: 784, fanOut: 512 },
  { label: '256×512×10', batch: 256, fanIn: 512, fanOut: 10 },
];

/** M, K, N and the transpose flags of one form: C[M,N] = op(A)[M,K]·op(B)[K,N]. */
export function dims(
  s: LayerShape,
  form: Form,
): { m: number; k: number; n: number; ta: boolean; tb: boolean } {
  if (form === 'forward') return { m: s.batch, k: s.fanIn, n: s.fanOut, ta: false, tb: true };
  if (form === 'dX') return { m: s.batch, k: s.fanOut, n: s.fanIn, ta: false, tb: false };
  return { m: s.fanOut, k: s.batch, n: s.fanIn, ta: true, tb: false };
}

/** The stored operands of a form: forward (X, W), dX (dY, W), dW (dY, X). */
export function operands(
  s: LayerShape,
  form: Form,
  seed: number,
): { a: Float32Array; aShape: number[]; b: Float32Array; bShape: number[] } {
  const x = () => ({ d: randomFloat32(s.batch * s.fanIn, seed), shape: [s.batch, s.fanIn] });
  const w = () => ({ d: randomFloat32(s.fanOut * s.fanIn, seed + 1), shape: [s.fanOut, s.fanIn] });
  const dy = () => ({ d: randomFloat32(s.batch * s.fanOut, seed + 2), shape: [s.batch, s.fanOut] });
  const [A, B] = form === 'forward' ? [x(), w()] : form === 'dX' ? [dy(), w()] : [dy(), x()];
  return { a: A.d, aShape: A.shape, b: B.d, bShape: B.shape };
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTf();
  const cases: CaseResult[] = [];
  const rows: string[][] = [];
  let seed = 1;
  for (const s of SHAPES) {
    for (const f of FORMS) {
      const { m, k, n, ta, tb } = dims(s, f.form);
      const { a, aShape, b, bShape } = operands(s, f.form, (seed += 3));
      const A = new Tensor(a, aShape);
      const B = new Tensor(b, bShape);
      const tA = tf.tensor(a, aShape, 'float32');
      const tB = tf.tensor(b, bShape, 'float32');
      const opts = { transposeA: ta, transposeB: tb };

      // Agreement check before timing: the three implementations compute the same product.
      const ref = naiveMatmul(a, b, m, n, k, ta, tb);
      const mine = matmul(A, B, opts).data;
      const tfOut = tf.matMul(tA, tB, ta, tb);
      const theirs = tfOut.dataSync();
      tfOut.dispose();
      const errMine = maxRelDiff(mine, ref);
      const errTf = maxRelDiff(theirs, ref);
      if (errMine > 1e-4 || errTf > 1e-4) {
        throw new Error(`matmul ${s.label} ${f.form}: results disagree (mtlgrad ${errMine}, tfjs ${errTf})`);
      }

      const contenders: Contender[] = [
        { name: 'mtlgrad', fn: () => matmul(A, B, opts) },
        { name: 'naive', fn: () => naiveMatmul(a, b, m, n, k, ta, tb) },
        {
          name: 'tfjs',
          fn: () => {
            const c = tf.matMul(tA, tB, ta, tb);
            c.dataSync();
            c.dispose();
          },
        },
      ];
      ctx.log(`matmul ${s.label} ${f.form} (M=${m} K=${k} N=${n})`);
      const impls = measure(contenders, { quick: ctx.quick });
      tA.dispose();
      tB.dispose();
      const flop = 2 * m * n * k;
      for (const r of Object.values(impls)) r.gflops = flop / (r.medianMs * 1e6);
      const ratios = {
        'mtlgrad/naive': impls.naive.medianMs / impls.mtlgrad.medianMs,
        'mtlgrad/tfjs': impls.tfjs.medianMs / impls.mtlgrad.medianMs,
      };
      cases.push({
        name: `${s.label} ${f.form}`,
        params: { shape: s.label, form: f.form, call: f.call, m, k, n, transposeA: ta, transposeB: tb, flop },
        impls,
        ratios,
      });
      rows.push([
        s.label,
        f.label,
        `${m}×${k}×${n}`,
        fmt(impls.mtlgrad.gflops),
        fmt(impls.naive.gflops),
        fmt(impls.tfjs.gflops),
        fmtRatio(ratios['mtlgrad/naive']),
        fmtRatio(ratios['mtlgrad/tfjs']),
        `${fmt(impls.mtlgrad.medianMs)} / ${fmt(impls.naive.medianMs)} / ${fmt(impls.tfjs.medianMs)}`,
      ]);
    }
  }
  const table: Table = {
    title: 'Matmul, float32 (GFLOP/s = 2·M·N·K / median time)',
    columns: [
      'shape',
      'form',
      'M×K×N',
      'mtlgrad GFLOP/s',
      'naive GFLOP/s',
      'tfjs GFLOP/s',
      'mtlgrad ÷ naive',
      'mtlgrad ÷ tfjs',
      'median ms (mtlgrad / naive / tfjs)',
    ],
    rows,
    textColumns: 3,
    notes: [
      'Shapes are batch×fanIn×fanOut of a Linear layer (X [batch,fanIn], W [fanOut,fanIn]); n³ is batch = fanIn = fanOut = n.',
      'Forms: Y = X·Wᵀ is `matmul(X, W, {transposeB: true})`, dX = dY·W is `matmul(dY, W)`, dW = dYᵀ·X is `matmul(dY, X, {transposeA: true})`.',
      'Ratios are throughput ratios from the same run (>1: mtlgrad is faster). naive = i-k-j loop over Float32Array (bench/naive.ts); ' +
        'tfjs = @tensorflow/tfjs-backend-cpu `tf.matMul` + `dataSync()`.',
    ],
  };
  return { tables: [table], cases };
}

export const matmulSuite: Suite = {
  name: 'matmul',
  title: 'Matmul',
  description:
    'Float32 matrix products through the public `matmul` (output allocation included), against a naive i-k-j loop ' +
    '(bench/naive.ts) and TensorFlow.js 4.22 on its pure-JS CPU backend (`tf.matMul` + `dataSync()`, tensors disposed). ' +
    'Squares and the two MLP layer shapes, each in the three forms a Linear layer uses.',
  run,
};

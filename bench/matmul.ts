/**
 * Matmul suite: float32 GFLOP/s of mtlgrad's `matmul` on each backend against TF.js (cpu and wasm
 * backends) and jax-js, for squares and for the products a Linear layer computes (forward, input
 * gradient, weight gradient), all measured in the same run. A naive i-k-j loop is the reference
 * every result is checked against before timing.
 */
import { matmul, Tensor } from '../src/index.js';
import { type MtlgradVariant, mtlgradVariants } from './backends.js';
import {
  type CaseResult,
  type Contender,
  fmt,
  fmtRatio,
  type ImplResult,
  maxRelDiff,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
  type Table,
} from './harness.js';
import { jarray, jaxMatmul, loadJax } from './jax.js';
import { naiveMatmul } from './naive.js';
import { PEER_LABELS, PEERS, peersNote, ratiosVsPeers } from './peers.js';
import { loadTf, loadTfWasm, type Tf, type TfBackend, useTfBackend } from './tf.js';

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

type Operands = ReturnType<typeof operands>;

/**
 * A TF.js contender on one backend, its tensors created there; also returns its product once.
 * On wasm, transposed operands go through an explicit `tf.transpose` (timed): its matMul with
 * transpose flags leaves XNNPACK for a kernel 3–10× slower (measured here).
 */
function tfContender(tf: Tf, backend: TfBackend, o: Operands, ta: boolean, tb: boolean) {
  useTfBackend(backend);
  const A = tf.tensor(o.a, o.aShape, 'float32');
  const B = tf.tensor(o.b, o.bShape, 'float32');
  const explicit = backend === 'wasm';
  const product = () =>
    explicit
      ? tf.tidy(() => tf.matMul(ta ? tf.transpose(A) : A, tb ? tf.transpose(B) : B))
      : tf.matMul(A, B, ta, tb);
  const once = () => {
    const c = product();
    const d = c.dataSync();
    c.dispose();
    return d;
  };
  const contender: Contender = { name: `tfjs-${backend}`, fn: once, setup: () => useTfBackend(backend) };
  const dispose = () => {
    useTfBackend(backend);
    A.dispose();
    B.dispose();
  };
  return { contender, once, dispose };
}

/** Every contender of one case, each result checked against the naive loop first. */
function contenders(tf: Tf, variants: readonly MtlgradVariant[], label: string, o: Operands, d: Dims) {
  const ref = naiveMatmul(o.a, o.b, d.m, d.n, d.k, d.ta, d.tb);
  const check = (name: string, out: ArrayLike<number>) => {
    const err = maxRelDiff(out, ref);
    if (!(err <= 1e-4)) throw new Error(`matmul ${label}: ${name} disagrees with the naive loop (${err})`);
  };
  const A = new Tensor(o.a, o.aShape);
  const B = new Tensor(o.b, o.bShape);
  const opts = { transposeA: d.ta, transposeB: d.tb };
  const list: Contender[] = variants.map((v) => {
    v.setup();
    check(v.name, matmul(A, B, opts).data);
    return { name: v.name, fn: () => matmul(A, B, opts), setup: v.setup };
  });
  const tfs = (['cpu', 'wasm'] as const).map((be) => tfContender(tf, be, o, d.ta, d.tb));
  for (const t of tfs) {
    check(t.contender.name, t.once());
    list.push(t.contender);
  }
  const mm = jaxMatmul(d.ta, d.tb);
  const jA = jarray(o.a, o.aShape);
  const jB = jarray(o.b, o.bShape);
  const jax = () => mm(jA.ref, jB.ref).dataSync();
  check('jax-js', jax());
  list.push({ name: 'jax-js', fn: jax });
  const dispose = () => {
    for (const t of tfs) t.dispose();
    jA.dispose();
    jB.dispose();
    mm.dispose();
  };
  return { list, dispose };
}

type Dims = ReturnType<typeof dims>;

function caseRow(
  s: LayerShape,
  f: (typeof FORMS)[number],
  d: Dims,
  impls: Record<string, ImplResult>,
  ratios: Record<string, number>,
  variants: readonly MtlgradVariant[],
  oneThread: MtlgradVariant | undefined,
): string[] {
  const primary = variants[0];
  return [
    s.label,
    f.label,
    `${d.m}×${d.k}×${d.n}`,
    ...variants.map((v) => fmt(impls[v.name].gflops)),
    ...PEERS.map((p) => fmt(impls[p].gflops)),
    ...PEERS.map((p) => fmtRatio(ratios[`${primary.name}/${p}`])),
    ...(oneThread
      ? [
          fmtRatio(ratios[`${oneThread.name}/tfjs-wasm`]),
          fmtRatio(ratios[`${primary.name}/${oneThread.name}`]),
        ]
      : []),
  ];
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTf();
  const tfWasm = await loadTfWasm();
  await loadJax();
  const { variants, note } = mtlgradVariants();
  const primary = variants[0];
  // The 1-thread wasm row gets its own ratio column when it is not already the primary one.
  const oneThread = variants.find((v) => v.backend === 'wasm' && v.threads === 1 && v !== primary);
  const cases: CaseResult[] = [];
  const rows: string[][] = [];
  let seed = 1;
  for (const s of SHAPES) {
    for (const f of FORMS) {
      const d = dims(s, f.form);
      const o = operands(s, f.form, (seed += 3));
      const label = `${s.label} ${f.form}`;
      const c = contenders(tf, variants, label, o, d);
      ctx.log(`matmul ${label} (M=${d.m} K=${d.k} N=${d.n})`);
      const impls = measure(c.list, { quick: ctx.quick });
      c.dispose();
      const flop = 2 * d.m * d.n * d.k;
      for (const r of Object.values(impls)) r.gflops = flop / (r.medianMs * 1e6);
      const ratios = ratiosVsPeers(impls, variants);
      // Thread scaling: the default thread count against 1 thread, same run.
      if (oneThread)
        ratios[`${primary.name}/${oneThread.name}`] =
          impls[oneThread.name].medianMs / impls[primary.name].medianMs;
      const { m, k, n, ta, tb } = d;
      cases.push({
        name: label,
        params: { shape: s.label, form: f.form, call: f.call, m, k, n, transposeA: ta, transposeB: tb, flop },
        impls,
        ratios,
      });
      rows.push(caseRow(s, f, d, impls, ratios, variants, oneThread));
    }
  }
  const short = (v: MtlgradVariant) => v.label.replace(/^mtlgrad /, '').replace(/ \(.*\)$/, '');
  const table: Table = {
    title: 'Matmul, float32 (GFLOP/s = 2·M·N·K / median wall-clock time)',
    columns: [
      'shape',
      'form',
      'M×K×N',
      ...variants.map((v) => `mtlgrad ${short(v)}`),
      ...PEERS.map((p) => PEER_LABELS[p]),
      ...PEERS.map((p) => `${short(primary)} ÷ ${PEER_LABELS[p]}`),
      ...(oneThread ? [`${short(oneThread)} ÷ TF.js wasm`, `${short(primary)} ÷ 1 thread`] : []),
    ],
    rows,
    textColumns: 3,
    notes: [
      'Shapes are batch×fanIn×fanOut of a Linear layer (X [batch,fanIn], W [fanOut,fanIn]); n³ is batch = fanIn = fanOut = n.',
      'Forms: Y = X·Wᵀ is `matmul(X, W, {transposeB: true})`, dX = dY·W is `matmul(dY, W)`, dW = dYᵀ·X is ' +
        '`matmul(dY, X, {transposeA: true})`: the three products of a Linear layer forward and backward.',
      note,
      peersNote(tfWasm.threads),
      'TF.js: `tf.matMul(a, b, transposeA, transposeB)` + `dataSync()`, result disposed; on wasm a transposed ' +
        'operand goes through `tf.transpose` first (timed), 3–10× faster there than the transpose flags. jax-js: ' +
        '`jit((a, b) => np.matmul(op(a), op(b)))` + `dataSync()` (which runs the kernel and copies the result out).',
      'Ratios are throughput ratios from the same run (>1: mtlgrad is faster). Every result is checked against a ' +
        'naive i-k-j loop (bench/naive.ts) before timing.',
    ],
  };
  return { tables: [table], cases };
}

export const matmulSuite: Suite = {
  name: 'matmul',
  title: 'Matmul',
  description:
    'Float32 matrix products through the public `matmul` (output allocation included) on each mtlgrad backend, ' +
    'against TensorFlow.js 4.22 on its pure-JS cpu backend and its wasm backend (XNNPACK), and jax-js 0.1.25 ' +
    '(wasm, jit), each with its result read back. Squares and the two MLP layer shapes, each in the three forms a ' +
    'Linear layer uses. Wall-clock time, since the wasm backend may use several threads.',
  clock: 'wall',
  run,
};

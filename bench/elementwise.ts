/**
 * Elementwise & reduction suite over 1M float32 elements ([1000, 1000]): mtlgrad's ops against
 * TF.js's CPU backend, with a hand-written loop over Float32Array as the ceiling reference.
 */
import { add, exp, mul, relu, softmax, sum, Tensor } from '../src/index.js';
import {
  type CaseResult,
  fmt,
  fmtRatio,
  maxRelDiff,
  measure,
  randomFloat32,
  type Suite,
  type SuiteContext,
  type SuiteResult,
} from './harness.js';
import { loadTf } from './tf.js';

const R = 1000;
const C = 1000;
const N = R * C;

/** Plain loops: what a careful hand-written kernel does, output allocation included. */
const loops = {
  add(a: Float32Array, b: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
    return out;
  },
  addRow(a: Float32Array, row: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    const n = row.length;
    for (let o = 0; o < a.length; o += n) for (let j = 0; j < n; j++) out[o + j] = a[o + j] + row[j];
    return out;
  },
  mul(a: Float32Array, b: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i] * b[i];
    return out;
  },
  exp(a: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
    return out;
  },
  relu(a: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      out[i] = v > 0 ? v : 0;
    }
    return out;
  },
  sum(a: Float32Array): Float32Array {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return Float32Array.of(s);
  },
  sumRows(a: Float32Array): Float32Array {
    const out = new Float32Array(R);
    for (let r = 0; r < R; r++) {
      let s = 0;
      const o = r * C;
      for (let j = 0; j < C; j++) s += a[o + j];
      out[r] = s;
    }
    return out;
  },
  softmaxRows(a: Float32Array): Float32Array {
    const out = new Float32Array(a.length);
    for (let r = 0; r < R; r++) {
      const o = r * C;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < C; j++) if (a[o + j] > m) m = a[o + j];
      let s = 0;
      for (let j = 0; j < C; j++) {
        const e = Math.exp(a[o + j] - m);
        out[o + j] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < C; j++) out[o + j] *= inv;
    }
    return out;
  },
};

/** Float64 references for the agreement check. */
function ref64(op: string, a: Float32Array, b: Float32Array, row: Float32Array): ArrayLike<number> {
  switch (op) {
    case 'sum': {
      let s = 0;
      for (let i = 0; i < N; i++) s += a[i];
      return [s];
    }
    case 'sumRows': {
      const out = new Float64Array(R);
      for (let i = 0; i < N; i++) out[Math.floor(i / C)] += a[i];
      return out;
    }
    default: {
      // Elementwise and softmax: the float32 loop is exact enough (one rounding per element).
      if (op === 'add' || op === 'mul') return loops[op](a, b);
      if (op === 'addRow') return loops.addRow(a, row);
      return loops[op as 'exp' | 'relu' | 'softmaxRows'](a);
    }
  }
}

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const tf = await loadTf();
  const a = randomFloat32(N, 11);
  const b = randomFloat32(N, 12);
  const row = randomFloat32(C, 13);
  const A = new Tensor(a, [R, C]);
  const B = new Tensor(b, [R, C]);
  const ROW = new Tensor(row, [C]);
  const tA = tf.tensor(a, [R, C], 'float32');
  const tB = tf.tensor(b, [R, C], 'float32');
  const tRow = tf.tensor(row, [C], 'float32');
  type TfT = ReturnType<typeof tf.tensor>;
  const force = (t: TfT) => {
    const d = t.dataSync();
    t.dispose();
    return d;
  };

  const ops: {
    key: keyof typeof loops;
    label: string;
    shape: string;
    mine: () => Tensor;
    loop: () => Float32Array;
    tfjs: () => TfT;
  }[] = [
    {
      key: 'add',
      label: 'add',
      shape: '[1000,1000] + [1000,1000]',
      mine: () => add(A, B),
      loop: () => loops.add(a, b),
      tfjs: () => tf.add(tA, tB),
    },
    {
      key: 'addRow',
      label: 'add (broadcast row)',
      shape: '[1000,1000] + [1000]',
      mine: () => add(A, ROW),
      loop: () => loops.addRow(a, row),
      tfjs: () => tf.add(tA, tRow),
    },
    {
      key: 'mul',
      label: 'mul',
      shape: '[1000,1000] · [1000,1000]',
      mine: () => mul(A, B),
      loop: () => loops.mul(a, b),
      tfjs: () => tf.mul(tA, tB),
    },
    {
      key: 'exp',
      label: 'exp',
      shape: '[1000,1000]',
      mine: () => exp(A),
      loop: () => loops.exp(a),
      tfjs: () => tf.exp(tA),
    },
    {
      key: 'relu',
      label: 'relu',
      shape: '[1000,1000]',
      mine: () => relu(A),
      loop: () => loops.relu(a),
      tfjs: () => tf.relu(tA),
    },
    {
      key: 'sum',
      label: 'sum (all)',
      shape: '[1000,1000] → []',
      mine: () => sum(A),
      loop: () => loops.sum(a),
      tfjs: () => tf.sum(tA),
    },
    {
      key: 'sumRows',
      label: 'sum (axis 1)',
      shape: '[1000,1000] → [1000]',
      mine: () => sum(A, 1),
      loop: () => loops.sumRows(a),
      tfjs: () => tf.sum(tA, 1),
    },
    {
      key: 'softmaxRows',
      label: 'softmax (last axis)',
      shape: '[1000,1000]',
      mine: () => softmax(A, -1),
      loop: () => loops.softmaxRows(a),
      tfjs: () => tf.softmax(tA),
    },
  ];

  const cases: CaseResult[] = [];
  const rows: string[][] = [];
  for (const op of ops) {
    const expected = ref64(op.key, a, b, row);
    const errs = {
      mtlgrad: maxRelDiff(op.mine().data, expected),
      loop: maxRelDiff(op.loop(), expected),
      tfjs: maxRelDiff(force(op.tfjs()), expected),
    };
    for (const [who, e] of Object.entries(errs)) {
      if (!(e < 1e-3))
        throw new Error(`elementwise ${op.label}: ${who} disagrees with the float64 reference (${e})`);
    }
    ctx.log(`elementwise ${op.label}`);
    const impls = measure(
      [
        { name: 'mtlgrad', fn: op.mine },
        { name: 'loop', fn: op.loop },
        { name: 'tfjs', fn: () => force(op.tfjs()) },
      ],
      { quick: ctx.quick },
    );
    for (const r of Object.values(impls)) r.melemPerSec = N / (r.medianMs * 1e3);
    const ratios = {
      'mtlgrad/tfjs': impls.tfjs.medianMs / impls.mtlgrad.medianMs,
      'mtlgrad/loop': impls.loop.medianMs / impls.mtlgrad.medianMs,
    };
    cases.push({
      name: op.label,
      params: {
        op: op.key,
        shape: op.shape,
        elements: N,
        maxRelErrMtlgrad: errs.mtlgrad,
        maxRelErrTfjs: errs.tfjs,
      },
      impls,
      ratios,
    });
    rows.push([
      op.label,
      op.shape,
      fmt(impls.mtlgrad.melemPerSec),
      fmt(impls.tfjs.melemPerSec),
      fmt(impls.loop.melemPerSec),
      fmtRatio(ratios['mtlgrad/tfjs']),
      fmtRatio(ratios['mtlgrad/loop']),
      `${fmt(impls.mtlgrad.medianMs)} / ${fmt(impls.tfjs.medianMs)} / ${fmt(impls.loop.medianMs)}`,
    ]);
  }
  tA.dispose();
  tB.dispose();
  tRow.dispose();
  return {
    cases,
    tables: [
      {
        title: 'Elementwise & reductions, 1M float32 elements (M elements/s = input elements / median time)',
        columns: [
          'op',
          'shape',
          'mtlgrad M el/s',
          'tfjs M el/s',
          'hand loop M el/s',
          'mtlgrad ÷ tfjs',
          'mtlgrad ÷ loop',
          'median ms (mtlgrad / tfjs / loop)',
        ],
        rows,
        textColumns: 2,
        notes: [
          'Ratios are throughput ratios from the same run (>1: mtlgrad is faster). "hand loop" is a plain loop over Float32Array ' +
            'allocating its output (bench/elementwise.ts): the ceiling for a scalar JS kernel.',
        ],
      },
    ],
  };
}

export const elementwiseSuite: Suite = {
  name: 'elementwise',
  title: 'Elementwise & reductions',
  description:
    "Ops on a [1000,1000] float32 tensor (1M elements) through mtlgrad's public functions (inputs without requiresGrad, output " +
    "allocation included), against TF.js's CPU backend (op + `dataSync()`, result disposed) and a hand-written loop.",
  run,
};

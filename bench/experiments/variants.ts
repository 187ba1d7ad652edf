/**
 * Tile/block tuning of the matmul kernel, on copies (bench/experiments/matmul-variants.ts):
 *
 *   npx tsx bench/experiments/variants.ts [--quick] [--set NAME]... [--rounds N]
 *
 * Each set is a list of variants timed against the real src kernel (`matmulKernel`, the control)
 * on the same cases in the same run; the table gives GFLOP/s and the speed-up over src. Every
 * variant is first checked against a float64 reference on awkward shapes (edges, transposes,
 * accumulate). Writes nothing: copy the printed tables into notes.
 */
import { matmulKernel } from '../../src/tensor/matmul.js';
import { fmt, loadAverage, maxRelDiff, measure, randomFloat32 } from '../harness.js';
import { dims, FORMS, type Form, type LayerShape, operands, SHAPES } from '../matmul.js';
// The recommendation was adopted: src/tensor/matmul.ts is the 4×8 kernel with the 4-wide tail panel.
import { matmulKernel as recommendedKernel } from '../../src/tensor/matmul.js';
import { BASELINE, buildKernel, type Kernel, type VariantConfig, variantName } from './matmul-variants.js';

const v = (o: Partial<VariantConfig>): VariantConfig => ({ ...BASELINE, ...o });

/** Named sets of variants (the baseline copy is always included as a check of the generator). */
const SETS: Record<string, VariantConfig[]> = {
  tiles: [
    v({ mr: 2, nr: 4 }),
    v({ mr: 4, nr: 2 }),
    v({ mr: 3, nr: 4, mc: 63 }),
    v({ mr: 4, nr: 3, nc: 510 }),
    v({ mr: 2, nr: 8 }),
    v({ mr: 4, nr: 8 }),
    v({ mr: 8, nr: 4 }),
    v({ mr: 4, nr: 4, order: 'row' }),
  ],
  bigtiles: [
    v({ mr: 4, nr: 8 }),
    v({ mr: 4, nr: 8, order: 'row' }),
    v({ mr: 8, nr: 4, order: 'row' }),
    v({ mr: 8, nr: 8 }),
    v({ mr: 6, nr: 8, mc: 60 }),
    v({ mr: 4, nr: 12, nc: 504 }),
    v({ mr: 4, nr: 16 }),
  ],
  unroll: [
    v({ unroll: 2 }),
    v({ unroll: 4 }),
    v({ mr: 2, nr: 4, unroll: 2 }),
    v({ mr: 4, nr: 2, unroll: 2 }),
    v({ mr: 2, nr: 4, unroll: 4 }),
    v({ mr: 4, nr: 2, unroll: 4 }),
  ],
  blocks: [
    v({ mr: 4, nr: 8 }),
    v({ mr: 4, nr: 8, kc: 128 }),
    v({ mr: 4, nr: 8, kc: 512 }),
    v({ mr: 4, nr: 8, mc: 32 }),
    v({ mr: 4, nr: 8, mc: 128 }),
    v({ mr: 4, nr: 8, kc: 128, mc: 128 }),
    v({ mr: 4, nr: 8, nc: 256 }),
    v({ mr: 4, nr: 8, nc: 1024 }),
  ],
  /** The recommendation (now src/tensor/matmul.ts) against src and its generated twin. */
  final: [v({ mr: 4, nr: 8 })],
  pack: [
    v({ pack: 'f32' }),
    v({ mr: 4, nr: 8 }),
    v({ mr: 4, nr: 8, pack: 'f32' }),
    v({ mr: 4, nr: 8, pack: 'f32', kc: 512 }),
    v({ mr: 4, nr: 8, pack: 'f32', mc: 128 }),
  ],
};

interface Case {
  label: string;
  form: Form;
  shape: LayerShape;
}

const byLabel = (l: string) => SHAPES.find((s) => s.label === l)!;
const CASES: Case[] = [
  { label: '128³ Y=X·Wᵀ', form: 'forward', shape: byLabel('128³') },
  ...FORMS.map((f) => ({ label: `256³ ${f.form}`, form: f.form, shape: byLabel('256³') })),
  ...FORMS.map((f) => ({ label: `512³ ${f.form}`, form: f.form, shape: byLabel('512³') })),
  ...FORMS.map((f) => ({ label: `784×512 ${f.form}`, form: f.form, shape: byLabel('256×784×512') })),
  ...FORMS.map((f) => ({ label: `512×10 ${f.form}`, form: f.form, shape: byLabel('256×512×10') })),
];

function reference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  c0: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
  acc: boolean,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = acc ? c0[i * n + j] : 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}

/**
 * Throws unless the kernel matches the float64 reference on awkward shapes, all transpose flags,
 * overwrite and accumulate, float32 and float64 storage, with operands and C at nonzero offsets
 * inside larger arrays (as batched matmul passes them); C's surroundings must stay untouched.
 */
function check(name: string, kernel: Kernel): void {
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [9, 10, 11],
    [37, 29, 301],
    [70, 130, 65],
    [129, 515, 33],
    [10, 512, 256],
    [256, 10, 512],
    [5, 300, 13],
  ];
  let seed = 100;
  for (const [m, k, n] of shapes) {
    for (const f64 of [false, true]) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          for (const acc of [false, true]) {
            const make = (len: number) => {
              const v = randomFloat32(len, seed++);
              return f64 ? Float64Array.from(v) : v;
            };
            const [ao, bo, co] = [3, 5, 7];
            const a = make(ao + m * k + 2);
            const b = make(bo + k * n + 2);
            const c = make(co + m * n + 2);
            const c0 = c.slice(co, co + m * n);
            const before = c.slice();
            kernel({ a, aOffset: ao, b, bOffset: bo, c, cOffset: co, m, n, k, transA: ta, transB: tb, accumulate: acc });
            const want = reference(a.subarray(ao), b.subarray(bo), c0, m, n, k, ta, tb, acc);
            const err = maxRelDiff(c.subarray(co, co + m * n), want);
            const what = `${m}×${k}×${n} ${f64 ? 'f64' : 'f32'} ta=${ta} tb=${tb} acc=${acc}`;
            if (!(err < 1e-5)) throw new Error(`${name}: wrong result for ${what} (${err})`);
            for (let i = 0; i < c.length; i++) {
              if ((i < co || i >= co + m * n) && c[i] !== before[i]) throw new Error(`${name}: wrote outside C for ${what}`);
            }
          }
        }
      }
    }
  }
}

function parse(argv: string[]): { quick: boolean; sets: string[]; rounds: number | undefined } {
  const o = { quick: false, sets: [] as string[], rounds: undefined as number | undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--set' && argv[i + 1] !== undefined) o.sets.push(argv[++i]);
    else if (a === '--rounds' && Number.isInteger(Number(argv[i + 1]))) o.rounds = Number(argv[++i]);
    else {
      process.stderr.write(`variants: bad argument '${a}' (--quick, --set ${Object.keys(SETS).join('|')}, --rounds N)\n`);
      process.exit(2);
    }
  }
  for (const s of o.sets) {
    if (!(s in SETS) && !s.startsWith('[')) {
      process.stderr.write(`variants: unknown set '${s}' (${Object.keys(SETS).join(', ')}, or a JSON list of partial configs)\n`);
      process.exit(2);
    }
  }
  if (o.sets.length === 0) o.sets = Object.keys(SETS);
  return o;
}

function geomean(xs: number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

/** Hand-written kernels added to a set by name. */
const EXTRAS: Record<string, Record<string, Kernel>> = {
  final: { recommended: recommendedKernel },
};

function runSet(setName: string, configs: VariantConfig[], quick: boolean, rounds: number | undefined): void {
  const all = [BASELINE, ...configs];
  const kernels = new Map<string, Kernel>([['src', matmulKernel]]);
  for (const [name, k] of Object.entries(EXTRAS[setName] ?? {})) {
    check(name, k);
    kernels.set(name, k);
  }
  for (const cfg of all) {
    const name = cfg === BASELINE ? `copy ${variantName(cfg)}` : variantName(cfg);
    const k = buildKernel(cfg);
    check(name, k);
    kernels.set(name, k);
  }
  const names = [...kernels.keys()];
  const load0 = loadAverage();
  const speedups = new Map<string, { squares: number[]; mlp: number[] }>(names.map((n) => [n, { squares: [], mlp: [] }]));
  const rows: string[][] = [];
  for (const cs of CASES) {
    const { m, k, n, ta, tb } = dims(cs.shape, cs.form);
    const { a, b } = operands(cs.shape, cs.form, 7);
    const c = new Float32Array(m * n);
    const args = { a, aOffset: 0, b, bOffset: 0, c, cOffset: 0, m, n, k, transA: ta, transB: tb, accumulate: false };
    process.stderr.write(`  · ${setName}: ${cs.label}\n`);
    const res = measure(
      names.map((name) => ({ name, fn: () => kernels.get(name)!(args) })),
      { quick, rounds: rounds ?? (quick ? 2 : 5), timeMs: quick ? 30 : 80 },
    );
    const flop = 2 * m * n * k;
    const row = [cs.label];
    for (const name of names) {
      const gf = flop / (res[name].medianMs * 1e6);
      const sp = res.src.medianMs / res[name].medianMs;
      const bucket = cs.shape.label.includes('³') ? 'squares' : 'mlp';
      speedups.get(name)![bucket].push(sp);
      row.push(name === 'src' ? fmt(gf) : `${fmt(gf)} (${sp.toFixed(2)})`);
    }
    rows.push(row);
  }
  const out: string[] = [];
  out.push(`\n### set '${setName}': GFLOP/s (speed-up vs src in the same run); load average ${load0} → ${loadAverage()}\n`);
  out.push(`| case | ${names.join(' | ')} |`, `| --- | ${names.map(() => '---:').join(' | ')} |`);
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  const gm = (key: 'squares' | 'mlp' | 'all') =>
    names.map((nm) => {
      const s = speedups.get(nm)!;
      return geomean(key === 'all' ? [...s.squares, ...s.mlp] : s[key]).toFixed(3);
    });
  out.push(`| **geomean speed-up, squares** | ${gm('squares').join(' | ')} |`);
  out.push(`| **geomean speed-up, MLP shapes** | ${gm('mlp').join(' | ')} |`);
  out.push(`| **geomean speed-up, all** | ${gm('all').join(' | ')} |`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const opts = parse(process.argv.slice(2));
process.stdout.write(`matmul variants${opts.quick ? ' (quick)' : ''}: ${new Date().toISOString()}\n`);
for (const s of opts.sets) {
  const configs = s.startsWith('[') ? (JSON.parse(s) as Partial<VariantConfig>[]).map(v) : SETS[s];
  runSet(s in SETS ? s : 'custom', configs, opts.quick, opts.rounds);
}

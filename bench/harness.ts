/**
 * Shared benchmark machinery: the Suite contract (the extension point), timing with tinybench,
 * machine info and markdown formatting. Suites live one per file and are listed in suites.ts.
 *
 * Timing policy (2 shared, noisy cores): every case measures all of its contenders in the same
 * run, in `rounds` interleaved rounds whose task order rotates, pools the per-call latency samples
 * of all rounds and reports the median. Ratios are always medians of the same run.
 */
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Bench } from 'tinybench';

/**
 * The clock behind every sample.
 *  - 'cpu' (default): this process's CPU time, user + system (`process.cpuUsage()`, µs resolution).
 *    The code timed here is single-threaded, so on an idle machine it equals wall time; unlike wall
 *    time it does not count the time the process waits while other processes hold the 2 shared
 *    cores (measured here: wall 8–59 ms vs CPU 7.4–7.6 ms for the same loop at load average 12).
 *    It does include V8's GC helper threads, which slightly penalises allocation-heavy code.
 *  - 'wall': performance.now(), for an idle machine or to see what a user waits, and for any code
 *    that runs on several threads (CPU time would add the threads up).
 */
export type Clock = 'cpu' | 'wall';

let clock: Clock = 'cpu';

export function setClock(c: Clock): void {
  clock = c;
}

export function getClock(): Clock {
  return clock;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The current reading of the selected clock, in ms. */
export function now(): number {
  return clock === 'cpu' ? cpuNow() : performance.now();
}

/** What a suite receives. */
export interface SuiteContext {
  /** Smoke run: fewer rounds, shorter budgets. Numbers are indicative only. */
  quick: boolean;
  /** Progress output (stderr), so that stdout holds only the tables. */
  log(message: string): void;
}

/** A rendered table: the header row and the body rows, cells already formatted. */
export interface Table {
  title: string;
  columns: string[];
  rows: string[][];
  /** How many leading columns hold text (left-aligned); the rest are numbers (right-aligned). Default 1. */
  textColumns?: number;
  /** Optional lines printed under the table (units, definitions). */
  notes?: string[];
}

/** One measured contender of a case. */
export interface ImplResult {
  /** Median latency of one call, in ms. */
  medianMs: number;
  /** Median absolute deviation of the samples, in ms (noise indicator). */
  madMs: number;
  /** Fastest sample, in ms (what an idle machine approaches; not quoted, kept for judging noise). */
  minMs: number;
  /** Number of pooled samples behind the median. */
  samples: number;
  /** 1000 / medianMs. */
  opsPerSec: number;
  /** Work-rate metrics derived from the median (GFLOP/s, M elements/s, samples/s, ...). */
  [metric: string]: number;
}

/** One case (shape/op) of a suite, as written to results.json. */
export interface CaseResult {
  name: string;
  params: Record<string, number | string | boolean>;
  impls: Record<string, ImplResult>;
  /** Throughput ratios of the same run, e.g. { 'mtlgrad/naive': 3.2 } (>1: the first is faster). */
  ratios: Record<string, number>;
}

export interface SuiteResult {
  tables: Table[];
  cases: CaseResult[];
  /** Free-form extra data (e.g. heap measurements). */
  extra?: Record<string, unknown>;
}

/**
 * A benchmark suite. To add one: create bench/<name>.ts exporting a Suite, and append it to the
 * `suites` array in bench/suites.ts. `npm run bench -- --filter <name>` then runs it alone.
 */
export interface Suite {
  /** Short identifier matched by --filter. */
  name: string;
  /** Heading used in the printed output and in RESULTS.md. */
  title: string;
  /** One paragraph for RESULTS.md: what is measured and how. */
  description: string;
  /**
   * The clock this suite times with unless `--clock` overrides it (default 'cpu'). Suites whose
   * contenders run on several threads need 'wall': process CPU time adds up all threads' time.
   */
  clock?: Clock;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** A function to time; it must do the whole operation synchronously (force lazy results). */
export interface Contender {
  name: string;
  fn: () => unknown;
  /** Runs untimed before this contender's samples in every round (e.g. selects a backend). */
  setup?: () => void;
}

export interface MeasureOptions {
  quick: boolean;
  /** Rough cost of one call in ms (used to size the sample budget); measured when omitted. */
  estimateMs?: number;
  /** Override the number of interleaved rounds. */
  rounds?: number;
  /** Override the time budget per contender per round (ms). */
  timeMs?: number;
}

/** Samples' median (sorted copy). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mad(xs: readonly number[], m: number): number {
  return median(xs.map((x) => Math.abs(x - m)));
}

/**
 * Times the contenders against each other and returns, per contender name, the median latency
 * over all pooled samples. Uses tinybench (`runSync`, samples retained) once per round.
 */
export function measure(
  contenders: readonly Contender[],
  options: MeasureOptions,
): Record<string, ImplResult> {
  const { quick } = options;
  const rounds = options.rounds ?? (quick ? 1 : 3);
  const timeMs = options.timeMs ?? (quick ? 80 : 350);
  // Probe one call of each contender when no estimate is given: it sizes the warmup and the
  // minimum iteration count so that a 1 s call does not get 64 iterations.
  let est = options.estimateMs;
  if (est === undefined) {
    est = 0;
    for (const c of contenders) {
      const t0 = now();
      c.fn();
      est = Math.max(est, now() - t0);
    }
  }
  const minIterations = quick ? (est > 200 ? 1 : 3) : est > 300 ? 3 : est > 50 ? 5 : 10;
  const pooled = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    const bench = new Bench({
      now,
      time: timeMs,
      iterations: minIterations,
      warmup: true,
      warmupIterations: r === 0 ? (quick ? 1 : 2) : 1,
      warmupTime: r === 0 ? (quick ? 20 : 100) : 0,
      retainSamples: true,
      throws: true,
    });
    const order = contenders.map((_, i) => contenders[(i + r) % contenders.length]);
    for (const c of order) bench.add(c.name, c.fn, c.setup ? { beforeAll: c.setup } : {});
    bench.runSync();
    for (const task of bench.tasks) {
      const res = task.result;
      if (res.state !== 'completed') throw new Error(`bench task ${task.name} ended in state ${res.state}`);
      const samples = res.latency.samples;
      if (samples === undefined) throw new Error(`bench task ${task.name}: tinybench kept no samples`);
      pooled.get(task.name)!.push(...samples);
    }
  }
  const out: Record<string, ImplResult> = {};
  for (const [name, samples] of pooled) {
    const m = median(samples);
    out[name] = {
      medianMs: m,
      madMs: mad(samples, m),
      minMs: Math.min(...samples),
      samples: samples.length,
      opsPerSec: 1000 / m,
    };
  }
  return out;
}

export interface MachineInfo {
  node: string;
  v8: string;
  os: string;
  cpu: string;
  cores: number;
  memGiB: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function machineLine(m: MachineInfo, date: string): string {
  return `Node ${m.node} (V8 ${m.v8}), ${m.os}, ${m.cpu} × ${m.cores} cores, ${m.memGiB} GiB; ${date.slice(0, 10)}`;
}

/** A number with about 3 significant digits, no exponent for the ranges we print. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 10 ** digits) return Math.round(x).toLocaleString('en-US');
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return x.toFixed(Math.min(decimals, 6));
}

/** A throughput ratio such as 3.2 as "3.20×". */
export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a';
}

export function markdownTable(t: Table): string {
  const text = t.textColumns ?? 1;
  const lines = [
    `| ${t.columns.join(' | ')} |`,
    `| ${t.columns.map((_, i) => (i < text ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const r of t.rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

/** Deterministic uniform [-1, 1) values (xorshift32), so that every run times the same data. */
export function randomFloat32(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

/** A row-major [rows, cols] matrix transposed to [cols, rows] (a copy). */
export function transposed(data: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = data[r * cols + c];
  return t;
}

/** Largest |x − y| relative to the largest |y| (a scale-aware agreement check). */
export function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let d = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    d = Math.max(d, Math.abs(x[i] - y[i]));
    s = Math.max(s, Math.abs(y[i]));
  }
  return s === 0 ? d : d / s;
}

/** The 1-minute load average (other processes on the 2 shared cores show up here). */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0] * 100) / 100;
}

let gcFn: (() => void) | null | undefined;

/**
 * A function running a full GC: `global.gc` under `node --expose-gc` (`tsx --expose-gc ...`), else
 * the same function obtained at run time (V8 flag set, then `gc` read from a fresh context), so that
 * `npm run bench` needs no extra flag. Null if neither works.
 */
export function fullGc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return (gcFn = exposed);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    gcFn = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/**
 * Heap in use (process.memoryUsage().heapUsed) after two full GCs when one is available, and the
 * memory of ArrayBuffers outside the heap (typed-array storage, WebAssembly memories).
 */
export function heapUsed(): { bytes: number; arrayBuffers: number; gc: boolean } {
  const gc = fullGc();
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { bytes: m.heapUsed, arrayBuffers: m.arrayBuffers, gc: gc !== null };
}

/**
 * Large-CSV suite: time and peak resident memory of reading a big table.
 *
 * A deterministic synthetic CSV (1.15 M rows: 8 numeric columns, 2 categorical, 1 class label,
 * about 1 % missing cells) is written once to the OS temp directory. Each contender then runs in
 * a fresh child process, so that its peak RSS (`process.resourceUsage().maxRSS`) is its own:
 *  - parseCsv: read the file as text and parse it into rows of strings;
 *  - loadTable(text): read the file as text and load it as a multi-task table;
 *  - loadTable(file): stream the file into a row source (mtlgrad/node) and load it.
 * Each child times only the read and load (not its start-up) with the harness clock: by default
 * its own CPU time, so other load on the shared cores does not inflate it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CaseResult,
  type Clock,
  fmt,
  getClock,
  now,
  type Suite,
  type SuiteContext,
  type SuiteResult,
  setClock,
} from './harness.js';

const ROWS = 1_150_000;
const QUICK_ROWS = 100_000;
const NUMERIC = 8;
const CATS = [
  ['n', 'e', 's', 'w', 'c'],
  ['S', 'M', 'L'],
];
const LABELS = ['A', 'B', 'C'];
const WORKER_FLAG = '--load-table-worker';

/** A 32-bit LCG (deterministic across runs and machines), uniform in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function csvText(rows: number): string {
  const rand = lcg(7);
  const header = [...Array.from({ length: NUMERIC }, (_, j) => `x${j}`), 'region', 'size', 'label'];
  const lines = [header.join(',')];
  for (let i = 0; i < rows; i++) {
    const cells: string[] = [];
    for (let j = 0; j < NUMERIC; j++) {
      const u = rand();
      cells.push(u < 0.01 ? (u < 0.005 ? '' : 'NA') : (rand() * 100).toFixed(j % 3));
    }
    for (const cats of CATS) cells.push(rand() < 0.01 ? '' : cats[Math.floor(rand() * cats.length)]);
    cells.push(LABELS[Math.floor(rand() * LABELS.length)]);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

function dataFile(rows: number): string {
  const path = join(os.tmpdir(), `mtlgrad-bench-load-table-${rows}.csv`);
  if (!existsSync(path)) writeFileSync(path, csvText(rows));
  return path;
}

const OPTIONS = {
  features: [...Array.from({ length: NUMERIC - 1 }, (_, j) => `x${j}`), 'region', 'size'],
  categorical: ['region', 'size'],
  tasks: [
    { column: `x${NUMERIC - 1}`, kind: 'regression' as const },
    { column: 'label', kind: 'classification' as const },
  ],
  missingFeatures: 'mean' as const,
};

/** Child process: run one contender on `path` timed by `clock`, print `{ms, rss, rows}` as JSON. */
async function worker(mode: string, path: string, clock: Clock): Promise<void> {
  setClock(clock);
  const lib = await import('../src/index.js');
  const start = now();
  let rows: number;
  if (mode === 'parseCsv') rows = lib.parseCsv(readFileSync(path, 'utf8')).rows.length;
  else if (mode === 'loadTable-text') rows = lib.loadTable(readFileSync(path, 'utf8'), OPTIONS).nRows;
  else {
    const node = await import('../src/node/index.js');
    rows = lib.loadTable(await node.readCsvFile(path), OPTIONS).nRows;
  }
  const ms = now() - start;
  process.stdout.write(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, rows }));
}

function runChild(mode: string, path: string): { ms: number; rss: number; rows: number } {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, WORKER_FLAG, mode, path, getClock()], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`load-table worker ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const MODES = ['parseCsv', 'loadTable-text', 'loadTable-file'];

async function run(ctx: SuiteContext): Promise<SuiteResult> {
  const rows = ctx.quick ? QUICK_ROWS : ROWS;
  ctx.log(`load-table: writing or reusing the ${rows}-row CSV in ${os.tmpdir()}`);
  const path = dataFile(rows);
  const mb = statSync(path).size / 1e6;
  const repeats = ctx.quick ? 1 : 3;
  const cases: CaseResult[] = [];
  const body: string[][] = [];
  for (const mode of MODES) {
    ctx.log(`load-table: ${mode}`);
    const runs = Array.from({ length: repeats }, () => runChild(mode, path));
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(repeats / 2)];
    const rss = Math.max(...runs.map((r) => r.rss));
    const impl = { medianMs: ms, madMs: 0, minMs: Math.min(...runs.map((r) => r.ms)) };
    cases.push({
      name: mode,
      params: { rows, mb: Number(mb.toFixed(1)), keptRows: runs[0].rows },
      impls: { [mode]: { ...impl, samples: repeats, opsPerSec: 1000 / ms, peakRssMB: rss / 1e6 } },
      ratios: {},
    });
    body.push([mode, fmt(ms / 1000), fmt(rss / 1e6)]);
  }
  return {
    tables: [
      {
        title: `Loading a ${mb.toFixed(1)} MB CSV of ${rows} rows (median of ${repeats} fresh processes)`,
        columns: ['contender', `${getClock()} time (s)`, 'peak RSS (MB)'],
        rows: body,
        notes: ['peak RSS includes the Node runtime (about 50 MB) and the file text where it is read whole'],
      },
    ],
    cases,
  };
}

export const loadTableSuite: Suite = {
  name: 'load-table',
  title: 'Large CSV: parseCsv and loadTable time and peak memory',
  description: 'A 1.15 M-row synthetic CSV read as text or streamed, each contender in its own process.',
  run,
};

if (process.argv[2] === WORKER_FLAG) await worker(process.argv[3], process.argv[4], process.argv[5] as Clock);

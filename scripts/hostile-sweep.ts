/**
 * Runs every hostile-input case of test/hostile/ and prints the outcome of each and the count per
 * class (named error, handled, silent wrong, raw crash, hang, lost data, unclear).
 *
 *   npx tsx scripts/hostile-sweep.ts [--timeout-ms 20000] [--json]
 *
 * The cases run one after another in a child process whose resident memory is watched: an unbounded
 * read or allocation gets the child killed at MAX_RSS instead of exhausting the machine. A case that
 * does not finish within the timeout, or whose child dies, counts as a hang (unbounded work or memory).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Outcome } from '../test/hostile/classify.js';

const CHILD = fileURLToPath(new URL('./hostile-sweep-child.ts', import.meta.url));
/** Resident memory (kB) above which the child is killed. */
const MAX_RSS_KB = 1_500_000;
const OUTCOMES: Outcome[] = [
  'named error',
  'handled',
  'silent wrong',
  'raw crash',
  'hang',
  'lost data',
  'unclear',
];

interface Row {
  index: number;
  id: string;
  outcome: Outcome;
  detail: string;
}

/** Runs cases from `start` in one child until it finishes, dies or times out. */
function runFrom(start: number, timeoutMs: number, rows: Row[]): Promise<{ next: number; total: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, String(start)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let tooBig = false;
    const watch = setInterval(() => {
      if (rssKb(child.pid) > MAX_RSS_KB) {
        tooBig = true;
        child.kill('SIGKILL');
      }
    }, 50);
    let next = start;
    let total = Number.POSITIVE_INFINITY;
    let pendingId = '';
    let buffer = '';
    let timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs * 3);
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const msg = JSON.parse(buffer.slice(0, nl)) as { start?: string; total?: number } & Partial<Row>;
        buffer = buffer.slice(nl + 1);
        if (msg.total !== undefined) total = msg.total;
        if (msg.start !== undefined) {
          pendingId = msg.start;
          clearTimeout(timer);
          timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        } else if (msg.outcome !== undefined) {
          rows.push(msg as Row);
          next = (msg.index as number) + 1;
        }
        nl = buffer.indexOf('\n');
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      if (next < total && pendingId !== '') {
        const why = tooBig
          ? `memory grew past ${MAX_RSS_KB / 1000} MB`
          : signal === 'SIGKILL'
            ? `no result within ${timeoutMs} ms`
            : `the process died (${signal ?? code})`;
        rows.push({ index: next, id: pendingId, outcome: 'hang', detail: why });
        next++;
      }
      resolve({ next, total });
    });
  });
}

/** The resident memory of process `pid` in kB (0 when it is gone). */
function rssKb(pid: number | undefined): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const t = args.indexOf('--timeout-ms');
  const timeoutMs = t >= 0 ? Number(args[t + 1]) : 20_000;
  const rows: Row[] = [];
  let next = 0;
  for (;;) {
    const r = await runFrom(next, timeoutMs, rows);
    if (r.next >= r.total || r.next === next) break;
    next = r.next;
  }
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, rows.filter((r) => r.outcome === o).length]));
  if (args.includes('--json')) {
    console.log(JSON.stringify({ counts, rows }, null, 2));
    return;
  }
  for (const r of rows)
    console.log(`${r.outcome.padEnd(12)}  ${r.id}\n${' '.repeat(14)}${r.detail.slice(0, 160)}`);
  console.log(`\n${rows.length} cases`);
  for (const o of OUTCOMES) console.log(`${o.padEnd(12)}  ${counts[o]}`);
}

await main();

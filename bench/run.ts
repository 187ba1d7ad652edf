/**
 * `npm run bench [-- --quick] [-- --filter NAME]`: runs the registered suites, prints one markdown
 * table per suite, and writes bench/results.json and bench/RESULTS.md.
 *
 * Flags:
 *   --quick          fewer rounds and shorter budgets (a smoke run; numbers are indicative only).
 *                    A quick run writes no files unless --out is given.
 *   --filter NAME    run only suites whose name contains NAME (case-insensitive); repeatable.
 *                    Results of the suites not run are kept from the existing results.json.
 *   --out DIR        write results.json and RESULTS.md to DIR instead of bench/.
 *   --clock cpu|wall time with process CPU time (default; robust to other load on the shared
 *                    cores) or with wall-clock time (performance.now()); see harness.ts.
 *   --list           print the suite names and exit.
 *   --help           print this help and exit.
 * A bad flag prints one line to stderr and exits with code 2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Clock,
  loadAverage,
  type MachineInfo,
  machineInfo,
  machineLine,
  markdownTable,
  type SuiteResult,
  setClock,
  type Table,
} from './harness.js';
import { suites } from './suites.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Options {
  quick: boolean;
  filters: string[];
  out: string | null;
  /** null: each suite's own clock (see Suite.clock). */
  clock: Clock | null;
  list: boolean;
  help: boolean;
}

const USAGE =
  'usage: npm run bench -- [--quick] [--filter NAME]... [--out DIR] [--clock cpu|wall] [--list] [--help]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = { quick: false, filters: [], out: null, clock: null, list: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
    };
    switch (flag) {
      case '--quick':
        noValue();
        o.quick = true;
        break;
      case '--filter':
        o.filters.push(value().toLowerCase());
        break;
      case '--out':
        o.out = value();
        break;
      case '--clock': {
        const c = value();
        if (c !== 'cpu' && c !== 'wall') throw new UsageError(`--clock must be cpu or wall, got '${c}'`);
        o.clock = c;
        break;
      }
      case '--list':
        noValue();
        o.list = true;
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument '${arg}'`);
    }
  }
  return o;
}

interface StoredSuite {
  title: string;
  description: string;
  date: string;
  quick: boolean;
  durationSec: number;
  /** What the latencies measure: process CPU time or wall-clock time. */
  clock: Clock;
  /** 1-minute load average when the suite started and ended (2 cores: above ~1.5 means contention). */
  loadAverage: [number, number];
  machine: MachineInfo;
  tables: Table[];
  cases: SuiteResult['cases'];
  extra?: Record<string, unknown>;
}

interface ResultsFile {
  schema: 1;
  generated: string;
  machine: MachineInfo;
  command: string;
  suites: Record<string, StoredSuite>;
}

function readExisting(path: string): ResultsFile | null {
  if (!existsSync(path)) return null;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
    return data.schema === 1 && typeof data.suites === 'object' ? data : null;
  } catch {
    return null;
  }
}

function renderMarkdown(res: ResultsFile): string {
  const lines = [
    '# mtlgrad benchmarks',
    '',
    `Machine: ${machineLine(res.machine, res.generated)}.`,
    '',
    'Reproduce with `npm ci && npm run bench` (all suites, under 10 minutes on this machine; `npm run bench -- --filter matmul` ' +
      'runs one suite, `-- --quick` is a smoke run). Each case times all its contenders in the same run, in interleaved rounds; ' +
      'figures are medians of the pooled per-call samples, and ratios compare medians of the same run.',
    '',
    'Times are **process CPU time** (user + system, `process.cpuUsage()`) unless a section says otherwise: the code is ' +
      'single-threaded, so on an idle machine this equals wall time, but unlike wall time it is not inflated when other ' +
      'processes share the 2 cores (`-- --clock wall` measures wall time instead). The load average at the start and end ' +
      'of each suite is given; the ratios are steadier than the absolute numbers.',
    '',
    'Generated by `bench/run.ts` from `bench/results.json`; do not edit by hand.',
  ];
  for (const name of Object.keys(res.suites)) {
    const s = res.suites[name];
    lines.push('', `## ${s.title}`, '', s.description, '');
    const load = s.loadAverage ? `, load average ${s.loadAverage[0]} → ${s.loadAverage[1]}` : '';
    const clockNote = s.clock === 'wall' ? ', wall-clock time' : '';
    const when = `Measured ${s.date.slice(0, 16).replace('T', ' ')} UTC${load}${clockNote}${s.quick ? ' (quick run: indicative only)' : ''}`;
    const sameMachine = machineLine(s.machine, s.date) === machineLine(res.machine, s.date);
    lines.push(
      `_${when}${sameMachine ? '' : `, on ${machineLine(s.machine, s.date)}`}; \`npm run bench -- --filter ${name}\`._`,
    );
    for (const t of s.tables) {
      lines.push('', `### ${t.title}`, '', markdownTable(t));
      if (t.notes?.length) lines.push('', ...t.notes.map((n) => `- ${n}`));
    }
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  let opts: Options;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message} (${USAGE})\n`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\nsuites: ${suites.map((s) => s.name).join(', ')}\n`);
    return 0;
  }
  if (opts.list) {
    for (const s of suites) process.stdout.write(`${s.name}\t${s.title}\n`);
    return 0;
  }
  const chosen = opts.filters.length
    ? suites.filter((s) => opts.filters.some((f) => s.name.toLowerCase().includes(f)))
    : suites.slice();
  if (chosen.length === 0) {
    process.stderr.write(
      `bench: --filter matched no suite (suites: ${suites.map((s) => s.name).join(', ')})\n`,
    );
    return 2;
  }

  const machine = machineInfo();
  const started = new Date().toISOString();
  const log = (m: string) => process.stderr.write(`  · ${m}\n`);
  process.stdout.write(
    `# mtlgrad benchmarks${opts.quick ? ' (quick)' : ''}\n\n${machineLine(machine, started)}; clock: ${opts.clock ?? "each suite's own"}\n`,
  );
  const fresh: Record<string, StoredSuite> = {};
  for (const suite of chosen) {
    process.stderr.write(`suite ${suite.name}…\n`);
    const t0 = performance.now();
    const date = new Date().toISOString();
    const load0 = loadAverage();
    const clock = opts.clock ?? suite.clock ?? 'cpu';
    setClock(clock);
    const result = await suite.run({ quick: opts.quick, log });
    const durationSec = (performance.now() - t0) / 1000;
    const load1 = loadAverage();
    fresh[suite.name] = {
      title: suite.title,
      description: suite.description,
      date,
      quick: opts.quick,
      durationSec: Math.round(durationSec),
      clock,
      loadAverage: [load0, load1],
      machine,
      tables: result.tables,
      cases: result.cases,
      ...(result.extra ? { extra: result.extra } : {}),
    };
    process.stdout.write(
      `\n## ${suite.title} (${durationSec.toFixed(0)} s, ${clock} clock, load average ${load0} → ${load1})\n`,
    );
    for (const t of result.tables) {
      process.stdout.write(`\n### ${t.title}\n\n${markdownTable(t)}\n`);
      if (t.notes?.length) process.stdout.write(`\n${t.notes.map((n) => `- ${n}`).join('\n')}\n`);
    }
  }

  if (opts.quick && opts.out === null) {
    process.stdout.write(
      '\n(quick run: bench/results.json and bench/RESULTS.md left unchanged; pass --out DIR to write)\n',
    );
    return 0;
  }
  const outDir = resolve(opts.out ?? HERE);
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'results.json');
  const previous = opts.filters.length ? readExisting(jsonPath) : null;
  const merged: Record<string, StoredSuite> = {};
  // Registry order; suites not run this time keep their previous results.
  for (const s of suites) {
    const r = fresh[s.name] ?? previous?.suites[s.name];
    if (r) merged[s.name] = r;
  }
  const args = process.argv.slice(2);
  const file: ResultsFile = {
    schema: 1,
    generated: started,
    machine,
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    suites: merged,
  };
  writeFileSync(jsonPath, `${JSON.stringify(file, null, 2)}\n`);
  writeFileSync(join(outDir, 'RESULTS.md'), renderMarkdown(file));
  const shown = relative(process.cwd(), outDir) || '.';
  process.stdout.write(`\nwrote ${join(shown, 'results.json')} and ${join(shown, 'RESULTS.md')}\n`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);

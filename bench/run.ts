/**
 * `npm run bench [-- --quick] [-- --filter NAME]`: runs the registered suites, prints one markdown
 * table per suite, and writes results.json and RESULTS.md to bench/out/ (ignored by git, so a run
 * leaves the work tree clean).
 *
 * Flags:
 *   --quick          fewer rounds and shorter budgets (a smoke run; numbers are indicative only).
 *   --filter NAME    run only suites whose name contains NAME (case-insensitive); repeatable.
 *                    Results of the suites not run are kept from the existing results.json.
 *   --out DIR        write results.json and RESULTS.md to DIR instead of bench/out/.
 *   --clock cpu|wall force one clock for every suite: process CPU time (robust to other load on
 *                    the shared cores, wrong for threaded code) or wall-clock time. By default each
 *                    suite uses its own (wall for the suites that may run threads); see harness.ts.
 *   --update-docs    run nothing: regenerate the committed bench/results.json, bench/RESULTS.md and
 *                    the README's benchmark section from the latest results (bench/out/ or --out).
 *   --list           print the suite names and exit.
 *   --help           print this help and exit.
 * A bad flag prints one line to stderr and exits with code 2.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type ResultsFile,
  readResults,
  renderResultsMarkdown,
  type StoredSuite,
  updateDocs,
} from './docs.js';
import { type Clock, loadAverage, machineInfo, machineLine, markdownTable, setClock } from './harness.js';
import { suites } from './suites.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Options {
  quick: boolean;
  filters: string[];
  out: string | null;
  /** null: each suite's own clock (see Suite.clock). */
  clock: Clock | null;
  updateDocs: boolean;
  list: boolean;
  help: boolean;
}

const USAGE =
  'usage: npm run bench -- [--quick] [--filter NAME]... [--out DIR] [--clock cpu|wall] [--update-docs] [--list] [--help]';

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    quick: false,
    filters: [],
    out: null,
    clock: null,
    updateDocs: false,
    list: false,
    help: false,
  };
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
      case '--update-docs':
        noValue();
        o.updateDocs = true;
        break;
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
  const outDir = resolve(opts.out ?? join(HERE, 'out'));
  if (opts.updateDocs) {
    let written: string[];
    try {
      written = updateDocs(outDir, HERE, join(HERE, '..', 'README.md'));
    } catch (e) {
      process.stderr.write(`bench: --update-docs: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    process.stdout.write(`rewrote ${written.map((p) => relative(process.cwd(), p)).join(', ')}\n`);
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

  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'results.json');
  const previous = opts.filters.length ? readResults(jsonPath) : null;
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
  writeFileSync(join(outDir, 'RESULTS.md'), renderResultsMarkdown(file));
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

/** Running experiments from the command line: flags, progress with elapsed time, and atomic file writes. */
import { renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Context, type Experiment, PenguinStudy } from './common.js';

export interface Flags {
  quick: boolean;
  out?: string;
  json?: string;
  /** Positional arguments (experiment names). */
  names: string[];
}

/** Parses `--quick`, `--out FILE`, `--json FILE` and, when allowed, positional names; exits 2 on anything else. */
export function parseFlags(prog: string, args: readonly string[], positional: boolean): Flags {
  const flags: Flags = { quick: false, names: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--quick') flags.quick = true;
    else if (
      (a === '--out' || a === '--json') &&
      args[i + 1] !== undefined &&
      !args[i + 1].startsWith('--')
    ) {
      flags[a === '--out' ? 'out' : 'json'] = args[++i];
    } else if (positional && !a.startsWith('--')) flags.names.push(a);
    else {
      const expected = `--quick, --out FILE, --json FILE${positional ? ', or an experiment name' : ''}`;
      process.stderr.write(`${prog}: unknown or incomplete argument ${a} (expected ${expected})\n`);
      process.exit(2);
    }
  }
  return flags;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomic(path: string, text: string): string {
  const target = resolve(path);
  const tmp = resolve(dirname(target), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, target);
  return target;
}

/** A context whose progress lines carry the seconds since `started`. */
export function context(quick: boolean, progress: (line: string) => void, started = Date.now()): Context {
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  return {
    quick,
    progress: (s) => progress(`[${elapsed()}] ${s}`),
    penguins: new PenguinStudy(quick ? 2 : 5),
  };
}

/** Runs one experiment and logs its printed tables under a heading. */
export function runLogged<R>(exp: Experiment<R>, ctx: Context, heading: string, log: (s: string) => void): R {
  const result = exp.run(ctx);
  log(`\n${heading}\n${exp.print(result)}`);
  return result;
}

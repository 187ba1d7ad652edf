/** The streams and working directory a CLI run uses, and small output helpers. */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from './errors.js';

/** Where output goes: `process.stdout`/`process.stderr`, or a capture in tests. */
export interface OutputStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  /** True when the stream is a terminal (progress lines are drawn only then). */
  isTTY?: boolean;
}

/** What `main` runs with. */
export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Directory that relative paths are resolved against. */
  cwd: string;
}

let cachedVersion: string | undefined;

/**
 * The package version, read from package.json (three directories up from this module both in
 * `src/node/cli/` and in the built `dist/node/cli/`).
 */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    cachedVersion = pkg.name === 'mtlgrad' && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    cachedVersion = 'unknown';
  }
  return cachedVersion;
}

/** `1 row`, `3 rows`: a count with its noun in singular or plural. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Lays out rows as left-aligned text columns separated by two spaces. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** JSON with NaN and ±Infinity written as null (JSON has no such numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}

/**
 * Refuses an output path that is one of the inputs: the same file (compared by device and inode,
 * so through symlinks, hard links and `..` too). Writing it would destroy the input. Call it before
 * reading or writing anything. Throws a UsageError (exit status 2).
 */
export async function refuseOutputOntoInput(
  output: { flag: string; path: string },
  inputs: readonly { flag: string; path: string }[],
  cwd: string,
): Promise<void> {
  const out = await stat(resolve(cwd, output.path)).catch(() => null);
  if (out === null) return; // a new file cannot be an input
  for (const input of inputs) {
    const st = await stat(resolve(cwd, input.path)).catch(() => null);
    if (st !== null && st.dev === out.dev && st.ino === out.ino) {
      throw new UsageError(
        `--${output.flag} ${JSON.stringify(output.path)} is the same file as the input --${input.flag} ${JSON.stringify(input.path)}; writing it would destroy the input, choose another file name`,
      );
    }
  }
}

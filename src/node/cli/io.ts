/** The streams and working directory a CLI run uses, and small output helpers. */
import { readFileSync } from 'node:fs';

/** Where output goes: `process.stdout`/`process.stderr`, or a capture in tests. */
export interface OutputStream {
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/node/cli/index.js';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const FIXTURES = join(ROOT, 'test/fixtures/cli');
export const SHAPES = join(FIXTURES, 'shapes.csv');

/** Options that make training on the fixtures quick. */
export const FAST = ['--hidden', '16', '--epochs', '40', '--lr', '0.01', '--batch-size', '16', '--seed', '1'];
/** The three tasks of shapes.csv. */
export const SHAPE_TASKS = [
  '--task',
  'shape:classification',
  '--task',
  'flag:binary',
  '--task',
  'value:regression',
];
export const SHAPE_FEATURES = ['--features', 'x1,x2,noise level,color', '--categorical', 'color'];

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main` with captured streams. */
export async function run(argv: string[], opts: { cwd?: string; tty?: boolean } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: {
      write: (s: string) => {
        stdout += s;
        return true;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      isTTY: opts.tty === true,
    },
    cwd: opts.cwd ?? ROOT,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory and a function removing it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** stderr without its `mtlgrad: warning: ` lines (what remains should be empty on success). */
export function withoutWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.startsWith('mtlgrad: warning: '))
    .join('\n');
}

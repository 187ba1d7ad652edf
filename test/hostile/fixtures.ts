/** Small models, data and CLI runs shared by the hostile-input cases. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '../../src/autograd/create.js';
import { MtlgradError } from '../../src/errors.js';
import { HardSharing } from '../../src/mtl/architectures.js';
import type { MultiTaskData } from '../../src/mtl/data.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { Rng } from '../../src/tensor/rng.js';
import { run } from '../cli/helpers.js';

export const BINARY: TaskSpec[] = [{ name: 'a', kind: 'binary' }];
export const TWO_TASKS: TaskSpec[] = [
  { name: 'a', kind: 'binary' },
  { name: 'r', kind: 'regression' },
];

/** A 3-input hard-sharing model with the given tasks. */
export function tinyModel(tasks: readonly TaskSpec[] = BINARY, seed = 0): HardSharing {
  return HardSharing.build({ inputs: 3, hidden: [4], tasks, rng: new Rng(seed) });
}

/**
 * n rows of 3 features; binary labels `a` alternate 0/1 (or are all `oneClass`); with `regression`,
 * labels `r` = x0 (or all missing).
 */
export function tinyData(
  n = 16,
  opts: { oneClass?: number; regression?: 'x0' | 'missing' } = {},
): MultiTaskData {
  const rng = new Rng(7);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  const y: Record<string, Float64Array> = {
    a: Float64Array.from({ length: n }, (_, i) => opts.oneClass ?? i % 2),
  };
  if (opts.regression !== undefined) {
    y.r = Float64Array.from({ length: n }, (_, i) => (opts.regression === 'x0' ? x[i * 3] : Number.NaN));
  }
  return { x: tensor(x, { shape: [n, 3] }), y };
}

/** A failed CLI run as an error: named when the CLI printed its own message, raw when it was unexpected. */
export class CliExit extends MtlgradError {}

/** Runs the CLI in `cwd`; a non-zero exit becomes a thrown error `exit N: stderr`. */
export async function cli(argv: string[], cwd: string): Promise<{ stdout: string }> {
  const r = await run(argv, { cwd });
  if (r.code === 0) return { stdout: r.stdout };
  const message = `exit ${r.code}: ${r.stderr.trim()}`;
  if (r.stderr.includes('unexpected error')) throw new Error(message);
  throw new CliExit(message);
}

/** A scratch directory for one case (removed by `cleanupScratch`). */
const scratch: string[] = [];
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-hostile-'));
  scratch.push(dir);
  return dir;
}
export function cleanupScratch(): void {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A function telling whether `path` still holds exactly what it held when this was called. */
export function unchanged(path: string): () => boolean {
  const before = readFileSync(path);
  return () => {
    try {
      return readFileSync(path).equals(before);
    } catch {
      return false;
    }
  };
}

/** True when `v` is a finite number. */
export function finite(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

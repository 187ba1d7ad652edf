import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

// 100 rows: y is a noisy function of x, so a wide network on a high learning rate overfits
// within a few epochs and the validation loss stops improving.
const lines = ['x,y'];
for (let i = 0; i < 100; i++)
  lines.push(`${(i * 37) % 100},${((i * 37) % 100) / 10 + (((i * 7919) % 13) - 6)}`);
writeFileSync(join(dir, 'd.csv'), `${lines.join('\n')}\n`);
const BASE = ['train', '--data', 'd.csv', '--features', 'x', '--task', 'y:regression', '--quiet', '--json'];

describe('--val-split and --patience', () => {
  it('holds out validation rows and stops once the validation loss stalls for --patience epochs', async () => {
    const args = [...BASE, '--val-split', '0.2', '--patience', '2', '--epochs', '300', '--lr', '0.05'];
    const r = await run(args, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // round(100 · 0.2) rows each for test and validation, the rest trains.
    expect(out.rows).toEqual({ train: 60, validation: 20, test: 20, dropped: 0 });
    expect(out.epochs.stoppedEarly).toBe(true);
    expect(out.epochs.run - out.epochs.best).toBe(2);
    expect(out.epochs.run).toBeLessThan(300);
    expect(out.config.valSplit).toBe(0.2);
    expect(out.config.patience).toBe(2);
  });

  it('without --val-split trains every epoch and reports no validation rows', async () => {
    const r = await run([...BASE, '--epochs', '3', '--hidden', '4'], { cwd: dir });
    const out = JSON.parse(r.stdout);
    expect(out.rows).toEqual({ train: 80, test: 20, dropped: 0 });
    expect(out.epochs).toBeUndefined();
  });

  it('refuses --patience without --val-split, and splits leaving no training rows', async () => {
    const a = await run([...BASE, '--patience', '3'], { cwd: dir });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--patience needs --val-split/);
    const b = await run([...BASE, '--val-split', '0.6', '--test-split', '0.4'], { cwd: dir });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/leave no training rows; together they must be below 1/);
    const c = await run([...BASE, '--val-split', '0.2', '--patience', '-1'], { cwd: dir });
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--patience must be an integer ≥ 0/);
  });
});

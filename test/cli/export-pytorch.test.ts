/**
 * `mtlgrad export --pytorch`: the written module, with its preprocess/postprocess helpers, turns raw feature
 * rows into what `mtlgrad predict` prints. The PyTorch run needs /usr/bin/python3 with torch and is skipped,
 * saying so, without it; the usage checks run everywhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../src/data/csv.js';
import { FAST, run, SHAPES, tempDir } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch']).status === 0;
if (!hasTorch)
  console.warn(`export --pytorch run skipped: ${PYTHON} cannot import torch (apt-get install python3-torch)`);

const FEATURES = ['x1', 'x2', 'noise level'];
const TASKS = ['--task', 'shape:classification', '--task', 'flag:binary', '--task', 'value:regression'];

/** `mtlgrad predict --json` on new.csv, and the module `py` under PyTorch on the same rows, agree to 1e-5. */
async function expectPytorchMatchesPredict(
  dir: string,
  model: string,
  py: string,
  rows: string[][],
): Promise<void> {
  const pred = await run(['predict', '--model', model, '--data', 'new.csv', '--json'], { cwd: dir });
  expect(pred.code, pred.stderr).toBe(0);
  const predictions = JSON.parse(pred.stdout).predictions as {
    tasks: Record<string, { value?: number; probabilities?: Record<string, number> }>;
  }[];
  const script = `
import json, sys, torch
sys.path.insert(0, ".")
import ${py.slice(0, -3)} as m
net = m.load_model(${JSON.stringify(model)}).eval()
with torch.no_grad():
    y = m.postprocess(net(m.preprocess(json.load(open("x.json")))))
print(json.dumps({t: v.tolist() for t, v in y.items()}))
`;
  writeFileSync(join(dir, 'x.json'), JSON.stringify(rows.map((r) => r.slice(0, 3).map(Number))));
  const out = spawnSync(PYTHON, ['-c', script], { cwd: dir, encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  const y = JSON.parse(out.stdout) as Record<string, number[][]>;
  const close = (a: number, b: number) =>
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b)));
  expect(y.value.length).toBe(predictions.length);
  predictions.forEach((p, i) => {
    close(y.value[i][0], p.tasks.value.value as number);
    const sig = 1 / (1 + Math.exp(-y.flag[i][0]));
    close(sig, (p.tasks.flag.probabilities as Record<string, number>).yes);
    const logits = y.shape[i];
    const z = logits.map((l) => Math.exp(l - Math.max(...logits)));
    const probs = Object.values(p.tasks.shape.probabilities as Record<string, number>);
    z.forEach((e, k) => close(e / z.reduce((a, b) => a + b), probs[k]));
  });
}

describe('mtlgrad export', () => {
  const { dir, cleanup } = tempDir();
  let rows: string[][];
  beforeAll(async () => {
    const train = ['train', '--data', SHAPES, '--features', FEATURES.join(','), ...TASKS, ...FAST];
    const r = await run([...train, '--activation', 'tanh', '--save', 'm.safetensors', '--quiet'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    const csv = parseCsv(readFileSync(SHAPES, 'utf8'));
    const cols = FEATURES.map((f) => csv.header.indexOf(f));
    rows = csv.rows.filter((row) => cols.every((j) => row[j] !== '')).slice(0, 12);
    writeFileSync(
      join(dir, 'new.csv'),
      formatCsv(
        FEATURES,
        rows.map((row) => cols.map((j) => row[j])),
      ),
    );
  });
  afterAll(cleanup);

  it('writes model.py and says how to load it', async () => {
    const r = await run(['export', '--model', 'm.safetensors', '--pytorch', 'model.py'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Wrote model\.py: a PyTorch hard-sharing module/);
    expect(existsSync(join(dir, 'model.py'))).toBe(true);
  });

  it('refuses a missing output flag, a name without .py and a file that is not a model', async () => {
    const none = await run(['export', '--model', 'm.safetensors'], { cwd: dir });
    expect([none.code, none.stderr]).toEqual([2, expect.stringMatching(/--pytorch FILE\.py/)]);
    const bad = await run(['export', '--model', 'm.safetensors', '--pytorch', 'model.txt'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/ending in \.py/)]);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a model');
    const junk = await run(['export', '--model', 'junk.safetensors', '--pytorch', 'j.py'], { cwd: dir });
    expect(junk.code).toBe(1);
    expect(existsSync(join(dir, 'j.py'))).toBe(false);
  });

  it.skipIf(!hasTorch)(
    'preprocess → model → postprocess under PyTorch gives predict --json to 1e-5',
    async () => {
      await expectPytorchMatchesPredict(dir, 'm.safetensors', 'model.py', rows);
    },
  );

  it.each([
    ['cross-stitch', ['--arch', 'cross-stitch', '--activation', 'gelu']],
    ['dselect-k', ['--arch', 'dselect-k', '--experts', '3', '--k', '2', '--activation', 'softplus']],
  ])('writes a %s model, which PyTorch runs with predict’s outputs', async (arch, flags) => {
    const train = ['train', '--data', SHAPES, '--features', FEATURES.join(','), ...TASKS, ...FAST];
    const r = await run([...train, ...flags, '--save', `${arch}.safetensors`, '--quiet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const py = `${arch.replace('-', '_')}.py`;
    const e = await run(['export', '--model', `${arch}.safetensors`, '--pytorch', py], { cwd: dir });
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(new RegExp(`^Wrote ${py.replace('.', '\\.')}: a PyTorch ${arch} module`));
    if (hasTorch) await expectPytorchMatchesPredict(dir, `${arch}.safetensors`, py, rows);
  });
});

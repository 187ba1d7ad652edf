import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnnx } from '../io/onnx/runtime.js';
import { FAST, run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir } from './helpers.js';

/** New rows (raw, as a user has them); the second lacks x2, imputed with the training mean. */
const ROWS = [
  { x1: 1.533, x2: -0.273, 'noise level': 0.336, color: 'red' },
  { x1: -0.608, x2: null, 'noise level': 0.299, color: 'blue' },
  { x1: 0.311, x2: 0.379, 'noise level': 0.87, color: 'green' },
];

/**
 * Exports `model` to `onnx` and checks ONNX Runtime on the raw ROWS against `mtlgrad predict --json` (5 decimals;
 * regression values, |value| ≈ 50 in label units, to 1e-3).
 */
async function expectOnnxMatchesPredict(dir: string, model: string, onnx: string): Promise<void> {
  const r = await run(['export', '--model', model, '--onnx', onnx], { cwd: dir });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`Wrote ${onnx.replace('.', '\\.')} \\(ONNX opset 17`));
  expect(r.stdout).toContain('raw columns x1, x2, noise level, color=');
  const predicted = JSON.parse(
    (await run(['predict', '--model', model, '--data', 'rows.json', '--json'], { cwd: dir })).stdout,
  );
  const { features, tasks } = predicted.model as {
    features: string[];
    tasks: { name: string; classes?: string[] }[];
  };
  expect(features).toEqual(['x1', 'x2', 'noise level', 'color']);
  // The raw encoded columns, by hand: numbers as they are (NaN for missing), one 0/1 column per colour.
  const colours = (r.stdout.match(/color=(\w+)/g) ?? []).map((c) => c.slice(6));
  expect([...colours].sort()).toEqual(['blue', 'green', 'red']);
  const x = ROWS.flatMap((row) => [
    row.x1,
    row.x2 ?? Number.NaN,
    row['noise level'],
    ...colours.map((c) => (c === row.color ? 1 : 0)),
  ]);
  const got = await runOnnx(readFileSync(join(dir, onnx)), Float32Array.from(x), [
    ROWS.length,
    3 + colours.length,
  ]);

  const shape = tasks.find((t) => t.name === 'shape')?.classes as string[];
  const flag = tasks.find((t) => t.name === 'flag')?.classes as string[];
  expect(got.shape.dims).toEqual([3, shape.length]);
  expect(got.flag.dims).toEqual([3, 1]);
  predicted.predictions.forEach((p: { tasks: Record<string, Record<string, unknown>> }, i: number) => {
    const probs = p.tasks.shape.probabilities as Record<string, number>;
    shape.forEach((c, k) => expect(got.shape.data[i * shape.length + k]).toBeCloseTo(probs[c], 5));
    expect(got.flag.data[i]).toBeCloseTo((p.tasks.flag.probabilities as Record<string, number>)[flag[1]], 5);
    expect(Math.abs(got.value.data[i] - (p.tasks.value.value as number))).toBeLessThan(1e-3);
  });
}

describe('mtlgrad export --onnx', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(async () => {
    const argv = ['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...FAST, '--missing', 'mean'];
    const r = await run([...argv, '--save', 'm.safetensors'], { cwd: dir });
    expect(r.code).toBe(0);
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(ROWS));
  });
  afterAll(cleanup);

  it.each([
    ['cross-stitch', ['--arch', 'cross-stitch']],
    ['cross-stitch with 2 layers', ['--arch', 'cross-stitch', '--hidden', '8,6']],
    [
      'dselect-k, 3 experts (not a power of two), k = 2',
      ['--arch', 'dselect-k', '--experts', '3', '--k', '2'],
    ],
    ['dselect-k, 4 experts, k = 1', ['--arch', 'dselect-k', '--experts', '4', '--k', '1']],
  ])('exports a %s model the same way', async (_name, arch) => {
    // FAST's --hidden 16 unless the case gives its own.
    const fast = arch.includes('--hidden') ? FAST.slice(2) : FAST;
    const argv = ['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...fast, '--missing', 'mean'];
    const r = await run([...argv, ...arch, '--activation', 'gelu', '--save', 'a.safetensors', '--quiet'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).toBe(0);
    await expectOnnxMatchesPredict(dir, 'a.safetensors', 'a.onnx');
  });

  it('writes a model that takes raw features (NaN imputed, standardised inside) and gives predict’s outputs', async () => {
    await expectOnnxMatchesPredict(dir, 'm.safetensors', 'm.onnx');
  });

  it('needs both files and refuses to write over the model', async () => {
    const none = await run(['export', '--model', 'm.safetensors'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/say what to write: --onnx FILE\.onnx or --pytorch FILE\.py/);
    const onto = await run(['export', '--model', 'm.safetensors', '--onnx', 'm.safetensors'], { cwd: dir });
    expect(onto.code).toBe(2);
    const missing = await run(['export', '--model', 'nope.safetensors', '--onnx', 'x.onnx'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.safetensors/);
    const help = await run(['help', 'export'], { cwd: dir });
    expect(help.stdout).toMatch(/Usage: mtlgrad export --model FILE --onnx FILE\.onnx/);
  });
});

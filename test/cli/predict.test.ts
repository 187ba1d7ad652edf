import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../src/data/csv.js';
import { CONFIG_KEY, MODEL_FORMAT } from '../../src/model/config.js';
import { decodeOutputs } from '../../src/model/decode.js';
import { predict } from '../../src/mtl/evaluate.js';
import { parseArgs } from '../../src/node/cli/args.js';
import {
  featureTensor,
  runTrain,
  TRAIN_FLAGS,
  type TrainResult,
  trainOptions,
} from '../../src/node/cli/train.js';
import { loadSafetensors } from '../../src/node/safetensors.js';
import { FAST, FIXTURES, run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir } from './helpers.js';

const silent = { write: () => true };
const csv = parseCsv(readFileSync(SHAPES, 'utf8'));
const FEATURE_COLUMNS = ['x1', 'x2', 'noise level', 'color'];

describe('mtlgrad predict', () => {
  const { dir, cleanup } = tempDir();
  let trained: TrainResult;
  beforeAll(async () => {
    const argv = [
      '--data',
      SHAPES,
      ...SHAPE_FEATURES,
      ...SHAPE_TASKS,
      ...FAST,
      '--save',
      'model.safetensors',
    ];
    trained = await runTrain(trainOptions(parseArgs(argv, TRAIN_FLAGS, 'train')), {
      stdout: silent,
      stderr: silent,
      cwd: dir,
    });
  });
  afterAll(cleanup);

  it('save → predict gives the in-memory model’s predictions on rows without label columns', async () => {
    // The test split's rows, feature columns only.
    const idx = FEATURE_COLUMNS.map((c) => csv.header.indexOf(c));
    const rows = Array.from(trained.test.rowIndex, (i) => idx.map((j) => csv.rows[i][j]));
    writeFileSync(join(dir, 'test-rows.csv'), formatCsv(FEATURE_COLUMNS, rows));
    const expected = decodeOutputs(
      trained.config,
      predict(trained.model, featureTensor(trained.test)),
      trained.test.nRows,
    );

    const r = await run(
      ['predict', '--model', 'model.safetensors', '--data', 'test-rows.csv', '--json', '--output', 'out.csv'],
      {
        cwd: dir,
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.skipped).toEqual([]);
    expect(out.predictions).toHaveLength(rows.length);
    out.predictions.forEach((p: { row: number; line: number; tasks: unknown }, i: number) => {
      expect(p.row).toBe(i + 1);
      expect(p.line).toBe(i + 2);
      expect(p.tasks).toEqual(expected[i]);
    });
    expect(out.model.tasks.map((t: { name: string }) => t.name)).toEqual(['shape', 'flag', 'value']);

    // Sanity: the predicted labels agree with most test labels, regression values are in the labels' units.
    const shapeCol = csv.header.indexOf('shape');
    let hits = 0;
    trained.test.rowIndex.forEach((src, i) => {
      if (out.predictions[i].tasks.shape.label === csv.rows[src][shapeCol]) hits++;
    });
    expect(hits / rows.length).toBeGreaterThan(0.8);
    expect(out.predictions[0].tasks.value.value).toBeGreaterThan(10);

    // --output wrote the same predictions as CSV.
    const written = parseCsv(readFileSync(join(dir, 'out.csv'), 'utf8'));
    expect(written.header).toEqual([
      'row',
      'line',
      'shape',
      'shape probability',
      'flag',
      'flag probability',
      'value',
      'error',
    ]);
    expect(written.rows).toHaveLength(rows.length);
    written.rows.forEach((cells, i) => {
      const t = expected[i] as Record<string, { label?: string; probability?: number; value?: number }>;
      expect(cells[2]).toBe(t.shape.label);
      expect(Number(cells[3])).toBe(t.shape.probability);
      expect(cells[4]).toBe(t.flag.label);
      expect(Number(cells[6])).toBe(t.value.value);
      expect(cells[7]).toBe('');
    });
  });

  it('stores the preprocessing and network shape in the safetensors metadata', async () => {
    const file = await loadSafetensors(join(dir, 'model.safetensors'));
    expect(file.metadata.format).toBe(MODEL_FORMAT);
    const config = JSON.parse(file.metadata[CONFIG_KEY]);
    expect(config).toMatchObject({
      format: 'mtlgrad.model',
      version: 1,
      architecture: 'hard-sharing',
      features: FEATURE_COLUMNS,
      categorical: { color: ['blue', 'green', 'red'] },
      featureNames: ['x1', 'x2', 'noise level', 'color=blue', 'color=green', 'color=red'],
      missing: 'drop',
      hidden: [16],
      activation: 'relu',
      tasks: [
        { name: 'shape', column: 'shape', kind: 'classification', classes: ['circle', 'square', 'triangle'] },
        { name: 'flag', column: 'flag', kind: 'binary', classes: ['no', 'yes'] },
        { name: 'value', column: 'value', kind: 'regression' },
      ],
      standardizer: {
        format: 'mtlgrad.standardizer',
        version: 1,
        scaled: [true, true, true, false, false, false],
      },
      targetStandardizer: { format: 'mtlgrad.target-standardizer', version: 1 },
    });
    expect(config.targetStandardizer.tasks.value.mean).toBeGreaterThan(40);
    expect(Object.keys(file.tensors).sort()).toEqual([
      'heads.flag.bias',
      'heads.flag.weight',
      'heads.shape.bias',
      'heads.shape.weight',
      'heads.value.bias',
      'heads.value.weight',
      'trunk.layers.0.bias',
      'trunk.layers.0.weight',
    ]);
  });

  it('reports rows it cannot use instead of skipping them silently', async () => {
    const r = await run([
      'predict',
      '--model',
      join(dir, 'model.safetensors'),
      '--data',
      join(FIXTURES, 'new-shapes.csv'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.predictions.map((p: { row: number }) => p.row)).toEqual([1, 2, 6]);
    expect(out.skipped).toEqual([
      {
        row: 3,
        line: 4,
        reason: 'missing feature value in "x2" (the model was trained with --missing drop)',
      },
      {
        row: 4,
        line: 5,
        reason:
          'category "purple" in column "color" was not seen in training (known: "blue", "green", "red")',
      },
      { row: 5, line: 6, reason: 'value "abc" in column "x2" is not a number' },
    ]);
    const p = out.predictions[0].tasks;
    expect(['circle', 'square', 'triangle']).toContain(p.shape.label);
    expect(p.shape.probability).toBeGreaterThanOrEqual(1 / 3);
    expect(
      Object.values(p.shape.probabilities as Record<string, number>).reduce((a, b) => a + b),
    ).toBeCloseTo(1, 6);
    expect(p.flag.probability).toBeGreaterThanOrEqual(0.5);
    expect(Number.isFinite(p.value.value)).toBe(true);

    const text = await run([
      'predict',
      '--model',
      join(dir, 'model.safetensors'),
      '--data',
      join(FIXTURES, 'new-shapes.csv'),
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^row\s+shape\s+shape probability\s+flag\s+flag probability\s+value$/m);
    expect(text.stdout).toContain('3 rows could not be predicted:');
    expect(text.stdout).toContain(
      'row 4 (line 5): category "purple" in column "color" was not seen in training',
    );

    // --output keeps every input row, with the reason in the error column.
    const o = await run(
      [
        'predict',
        '--model',
        'model.safetensors',
        '--data',
        join(FIXTURES, 'new-shapes.csv'),
        '--output',
        'new.csv',
      ],
      {
        cwd: dir,
      },
    );
    expect(o.stdout).toContain('Wrote predictions for 3 of 6 rows to new.csv');
    const written = parseCsv(readFileSync(join(dir, 'new.csv'), 'utf8'));
    expect(written.rows.map((c) => c[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(written.rows[2].slice(2, 7)).toEqual(['', '', '', '', '']);
    expect(written.rows[2][7]).toContain('missing feature value');
  });

  it('imputes missing features when the model was trained with --missing median, and reads JSON rows', async () => {
    const t = await run(
      [
        'train',
        '--data',
        SHAPES,
        ...SHAPE_FEATURES,
        ...SHAPE_TASKS,
        ...FAST,
        '--missing',
        'median',
        '--save',
        'median.safetensors',
        '--quiet',
      ],
      { cwd: dir },
    );
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('Saved the model to median.safetensors');
    const rows = [
      { x1: 0.5, x2: -1.2, 'noise level': 0.3, color: 'red' },
      { x1: 0.2, x2: null, 'noise level': 0.5, color: 'green' },
      { x1: 0.2, 'noise level': 0.5, color: 'green' },
    ];
    writeFileSync(join(dir, 'rows.json'), JSON.stringify(rows));
    const r = await run(['predict', '--model', 'median.safetensors', '--data', 'rows.json', '--json'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.skipped).toEqual([]);
    expect(out.predictions.map((p: { row: number; line?: number }) => [p.row, p.line])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
    ]);
    // A null and an absent key are both missing: the same imputed prediction.
    expect(out.predictions[1].tasks).toEqual(out.predictions[2].tasks);
  });

  it('--probabilities shows every class’s probability, as in --json', async () => {
    writeFileSync(join(dir, 'two.csv'), 'x1,x2,noise level,color\n1.5,-0.3,0.3,red\n-1.2,0.2,0.3,blue\n');
    const json = await run(['predict', '--model', 'model.safetensors', '--data', 'two.csv', '--json'], {
      cwd: dir,
    });
    const r = await run(
      [
        'predict',
        '--model',
        'model.safetensors',
        '--data',
        'two.csv',
        '--probabilities',
        '--output',
        'all.csv',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const out = parseCsv(readFileSync(join(dir, 'all.csv'), 'utf8'));
    const { predictions, model } = JSON.parse(json.stdout);
    const classes = model.tasks.find((t: { name: string }) => t.name === 'shape').classes as string[];
    expect(out.header).toEqual([
      'row',
      'line',
      'shape',
      ...classes.map((c) => `shape P(${c})`),
      'flag',
      'flag P(no)',
      'flag P(yes)',
      'value',
      'error',
    ]);
    out.rows.forEach((row, i) => {
      const probs = classes.map((c) => Number(row[out.header.indexOf(`shape P(${c})`)]));
      expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      classes.forEach((c, k) => expect(probs[k]).toBeCloseTo(predictions[i].tasks.shape.probabilities[c], 6));
      expect(row[out.header.indexOf('shape')]).toBe(predictions[i].tasks.shape.label);
    });
    const table = await run(
      ['predict', '--model', 'model.safetensors', '--data', 'two.csv', '--probabilities'],
      {
        cwd: dir,
      },
    );
    expect(table.stdout).toContain(`shape P(${classes[0]})`);
  });
});

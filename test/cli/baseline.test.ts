import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTable } from '../../src/data/load-table.js';
import type { History } from '../../src/mtl/config.js';
import type { TaskSpec } from '../../src/mtl/tasks.js';
import { baselines, trainWarnings } from '../../src/node/cli/baseline.js';
import { run, tempDir } from './helpers.js';

const TASKS = [
  { column: 'c', kind: 'classification' as const },
  { column: 'f', kind: 'binary' as const },
  { column: 'v', kind: 'regression' as const },
];
const SPECS: TaskSpec[] = [
  { name: 'c', kind: 'classification', classes: 2 },
  { name: 'f', kind: 'binary' },
  { name: 'v', kind: 'regression' },
];
const CLASSES = { c: ['a', 'b'], f: ['0', '1'], v: undefined };
const table = (csv: string) => loadTable(csv, { features: ['x'], tasks: TASKS });

describe('baselines', () => {
  // Training labels: c = a,a,b (majority a, shares 2/3, 1/3); f = 0,1,1,1 (share of 1: 3/4);
  // v = 1,2,6 (mean 3). A missing label (empty) is not counted.
  const train = table('x,c,f,v\n0,a,0,1\n0,a,1,2\n0,b,1,6\n0,,1,\n');
  // Test labels: c = a,b,b,b; f = 0,0,1; v = 3,5.
  const test = table('x,c,f,v\n0,a,0,3\n0,b,0,5\n0,b,1,\n0,b,,\n');
  const base = baselines(SPECS, CLASSES, train, test);

  it('classification: the majority training class, with the training shares as probabilities', () => {
    expect(base.c.predictor).toBe('majority');
    expect(base.c.predicts).toBe('a');
    expect(base.c.metrics.accuracy).toBeCloseTo(1 / 4, 12);
    expect(base.c.metrics.logLoss).toBeCloseTo(-(Math.log(2 / 3) + 3 * Math.log(1 / 3)) / 4, 12);
    // Predicting a everywhere: F1 of a = 2·1·(1/4)/(1 + 1/4) = 0.4, F1 of b = 0.
    expect(base.c.metrics.macroF1).toBeCloseTo(0.2, 12);
  });

  it('binary: the majority training label, its share as the probability of the positive class', () => {
    expect(base.f.predicts).toBe('1');
    expect(base.f.metrics.accuracy).toBeCloseTo(1 / 3, 12);
    expect(base.f.metrics.logLoss).toBeCloseTo(-(2 * Math.log(1 / 4) + Math.log(3 / 4)) / 3, 12);
    expect(base.f.metrics.auc).toBeCloseTo(0.5, 12); // a constant score ranks nothing
  });

  it('regression: the training mean', () => {
    expect(base.v.predictor).toBe('mean');
    expect(base.v.predicts).toBe(3);
    expect(base.v.metrics.mse).toBeCloseTo(2, 12); // (0² + 2²) / 2
    expect(base.v.metrics.mae).toBeCloseTo(1, 12);
    expect(base.v.metrics.r2).toBeCloseTo(1 - 4 / 2, 12); // SSres 0² + 2² = 4; SStot about the test mean 4: 1² + 1² = 2
  });
});

const history = (losses: number[]): History => ({
  epochs: losses.map((l, epoch) => ({
    epoch,
    trainLoss: { v: l },
    weights: {},
    skippedBatches: 0,
    seconds: 0,
  })),
  bestEpoch: 0,
  stoppedEarly: false,
  weighting: 'ew',
});
const V: TaskSpec[] = [{ name: 'v', kind: 'regression' }];
const baseV = { v: { predictor: 'mean' as const, predicts: 0, metrics: { mse: 4, mae: 1, r2: 0 } } };

describe('trainWarnings', () => {
  const warn = (mse: number, count: number, losses: number[]) =>
    trainWarnings({
      specs: V,
      metrics: { v: { mse, mae: 1, r2: 0, count } },
      baselines: baseV,
      history: history(losses),
      classNames: {},
    });

  it('is silent for a model that beats its baseline on enough rows', () => {
    expect(warn(1, 30, [1, 0.5])).toEqual([]);
  });

  it('warns when the model does not beat its baseline (a tie does not beat it)', () => {
    expect(warn(4, 30, [1, 0.5])).toEqual([
      `task "v": the model's mse 4 does not beat the baseline's 4 (always predicting the training mean)`,
    ]);
  });

  it('warns about fewer than 30 labelled test rows', () => {
    expect(warn(1, 29, [1, 0.5])).toEqual([
      'task "v" has only 29 labelled test rows (fewer than 30): its metrics are noisy; use more data or a larger --test-split',
    ]);
    expect(warn(1, 1, [1, 0.5])[0]).toMatch(/only 1 labelled test row \(/);
  });

  it('warns when the training loss ends over 10 times an uninformed prediction', () => {
    expect(warn(1, 30, [1, 10])).toEqual([]);
    expect(warn(1, 30, [1, 10.5])[0]).toMatch(
      /^training diverged: task "v" ended with a training loss of 10.5/,
    );
  });

  it('warns about a numeric column with more than 20 classes', () => {
    const classes = (k: number) => Array.from({ length: k }, (_, i) => String(i * 1.5));
    const check = (names: string[]) =>
      trainWarnings({
        specs: [{ name: 'age', kind: 'classification', classes: names.length }],
        metrics: {},
        baselines: {},
        history: history([]),
        classNames: { age: names },
      });
    expect(check(classes(20))).toEqual([]);
    expect(check(classes(21))).toEqual([
      'task "age" is declared classification, but its column holds 21 distinct numbers; if it is a quantity, use --task age:regression',
    ]);
    expect(check([...classes(20), 'x'])).toEqual([]); // not all numbers: categories
  });
});

describe('train reports baselines and warnings', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('puts the baseline in --json and the warnings on stderr and in --json', async () => {
    // 21 rows: c is "a" in 15 and "b" in 6, so any stratified training part has majority "a";
    // age holds 21 distinct numbers.
    const lines = ['x,c,age'];
    for (let i = 0; i < 21; i++) lines.push(`${i % 3},${i < 15 ? 'a' : 'b'},${20 + i}`);
    writeFileSync(join(dir, 't.csv'), `${lines.join('\n')}\n`);
    const r = await run(
      [
        'train',
        '--data',
        't.csv',
        '--features',
        'x',
        '--task',
        'c:classification',
        '--task',
        'age:classification',
        '--hidden',
        '4',
        '--epochs',
        '2',
        '--json',
        '--quiet',
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tasks.c.baseline.predicts).toBe('a');
    expect(Object.keys(out.tasks.c.baseline).sort()).toEqual([
      'accuracy',
      'logLoss',
      'macroF1',
      'predictor',
      'predicts',
    ]);
    expect(out.warnings).toContain(
      'task "age" is declared classification, but its column holds 21 distinct numbers; if it is a quantity, use --task age:regression',
    );
    expect(out.warnings.some((w: string) => /task "c" has only \d+ labelled test rows/.test(w))).toBe(true);
    expect(r.stderr).toBe(out.warnings.map((w: string) => `mtlgrad: warning: ${w}\n`).join(''));
  });
});

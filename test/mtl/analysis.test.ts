import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import {
  crossValidate,
  deltaM,
  gradientConflict,
  gridSearch,
  HardSharing,
  type TaskSpec,
} from '../../src/mtl/index.js';
import { Rng } from '../../src/tensor/rng.js';

describe('deltaM', () => {
  it('is negative when the multi-task model is better, with the stated formula', () => {
    const tasks: TaskSpec[] = [
      { name: 'a', kind: 'classification', classes: 2 },
      { name: 'b', kind: 'regression' },
    ];
    const mtl = { a: { accuracy: 0.9, macroF1: 0.8 }, b: { mse: 1, mae: 0.5 } };
    const stl = { a: { accuracy: 0.8, macroF1: 0.8 }, b: { mse: 2, mae: 0.5 } };
    // a: (−(0.9−0.8)/0.8 + 0)/2 = −0.0625; b: ((1−2)/2 + 0)/2 = −0.25; mean −0.15625 → −15.625 %
    expect(deltaM(tasks, mtl, stl)).toBeCloseTo(-15.625, 10);
    expect(deltaM(tasks, stl, mtl)).toBeGreaterThan(0);
  });
});

function linearData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x.push([a, b]);
    y.push(2 * a - b + 0.1 * rng.normal());
    c.push(i < n / 4 ? 1 : 0); // imbalanced classes, to check stratification
  }
  return { x: tensor(x), y: { y, c } };
}

const tasks: TaskSpec[] = [
  { name: 'y', kind: 'regression' },
  { name: 'c', kind: 'binary' },
];

describe('crossValidate and gridSearch', () => {
  it('k folds report mean ± std of the score, stratified folds keep the class ratio', () => {
    const r = crossValidate({
      tasks,
      data: linearData(80, 1),
      inputs: 2,
      hidden: [8],
      folds: 4,
      stratify: 'c',
      fit: { epochs: 3 },
    });
    expect(r.folds).toHaveLength(4);
    expect(r.scores).toHaveLength(4);
    const mean = r.scores.reduce((a, b) => a + b) / 4;
    expect(r.mean).toBeCloseTo(mean, 12);
    const sd = Math.sqrt(r.scores.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(r.std).toBeCloseTo(sd, 12);
    // 20 positives in 80 rows: each validation fold of 20 rows holds exactly 5.
    for (const f of r.folds) {
      expect(f.c.count).toBe(20);
    }
  });

  it('gridSearch picks the setting with the lowest mean validation loss', () => {
    const g = gridSearch({
      tasks: [tasks[0]],
      data: { x: linearData(60, 2).x, y: { y: linearData(60, 2).y.y } },
      inputs: 2,
      hidden: [8],
      folds: 3,
      grid: { weightDecay: [0, 10], lr: [0.01] },
      fit: { epochs: 30 },
    });
    expect(g.rows).toHaveLength(2);
    const min = Math.min(...g.rows.map((r) => r.mean));
    expect(g.best.mean).toBe(min);
    // A huge λ must not win on a clean linear problem.
    expect(g.best.params.weightDecay).toBe(0);
  });
});

describe('gradientConflict', () => {
  it('identical tasks have cosine 1, opposite tasks −1', () => {
    const d = linearData(50, 3);
    const t3: TaskSpec[] = [
      { name: 'p', kind: 'regression' },
      { name: 'q', kind: 'regression' },
      { name: 'r', kind: 'regression' },
    ];
    const model = HardSharing.build({ inputs: 2, hidden: [6], tasks: t3, rng: new Rng(1) });
    // Identical heads; r's targets mirror p's around the prediction h, so its residual h − y_r is −(h − y_p).
    const hp = model.heads.modules.p.parameters();
    for (const other of ['q', 'r'])
      model.heads.modules[other].parameters().forEach((p, i) => p.data.set(hp[i].data));
    const h = model.forward(d.x).p.data;
    const y = d.y.y;
    const yr = y.map((v, i) => 2 * h[i] - v);
    const out = gradientConflict(model, { x: d.x, y: { p: y, q: y, r: yr } }, { tasks: t3 });
    expect(out.cosine[0][1]).toBeCloseTo(1, 5);
    expect(out.cosine[0][2]).toBeCloseTo(-1, 5);
  });
});

import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { relatedTasks } from '../../src/data/synthetic.js';
import {
  CAGrad,
  compareWithSingleTask,
  DWA,
  EW,
  evaluate,
  FAMO,
  fit,
  GradNorm,
  HardSharing,
  IMTL,
  MGDA,
  MMoE,
  NashMTL,
  NonFiniteLossError,
  PCGrad,
  RLW,
  type TaskSpec,
  UW,
} from '../../src/mtl/index.js';
import { binaryCrossEntropyWithLogits } from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/rng.js';

const tasks: TaskSpec[] = [
  { name: 'cls', kind: 'classification', classes: 3 },
  { name: 'bin', kind: 'binary' },
  { name: 'reg', kind: 'regression' },
];

/** A small three-task problem with some labels missing. */
function toyData(n: number, seed: number) {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const cls: (number | null)[] = [];
  const bin: number[] = [];
  const reg: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.normal();
    const b = rng.normal();
    x.push([a, b, a * b]);
    cls.push(i % 7 === 0 ? null : a > 0.5 ? 2 : a < -0.5 ? 0 : 1);
    bin.push(i % 5 === 0 ? Number.NaN : b > 0 ? 1 : 0);
    reg.push(i % 3 === 0 ? Number.NaN : a + 2 * b);
  }
  return { x: tensor(x), y: { cls, bin, reg } };
}

const build = (seed = 1) => HardSharing.build({ inputs: 3, hidden: [16], tasks, rng: new Rng(seed) });

describe('fit', () => {
  it('learns all three tasks from partially labelled rows', () => {
    const model = build();
    const train = toyData(300, 1);
    const before = evaluate(model, toyData(200, 2), { tasks });
    const history = fit(model, train, { tasks, epochs: 30, batchSize: 32, lr: 0.01 });
    const after = evaluate(model, toyData(200, 2), { tasks });
    expect(history.epochs).toHaveLength(30);
    for (const t of tasks) expect(after[t.name].loss).toBeLessThan(before[t.name].loss);
    expect(after.cls.accuracy!).toBeGreaterThan(0.8);
    expect(after.bin.accuracy!).toBeGreaterThan(0.85);
    expect(after.reg.r2!).toBeGreaterThan(0.8);
    // Rows without a label are not counted for that task.
    expect(after.reg.count).toBe(200 - Math.ceil(200 / 3));
  });

  it('is deterministic: same seed, identical weights', () => {
    const run = () => {
      const m = build(3);
      fit(m, toyData(100, 1), { tasks, epochs: 3, seed: 7, weighting: new PCGrad({ seed: 2 }) });
      return m.parameters().map((p) => Array.from(p.data));
    };
    expect(run()).toEqual(run());
  });

  it('every weighting method trains without NaN and reduces the losses', () => {
    const methods = [
      () => new EW(),
      () => new UW(),
      () => new DWA(),
      () => new RLW({ seed: 1 }),
      () => new FAMO(),
      () => new GradNorm(),
      () => new MGDA(),
      () => new MGDA({ representation: true }),
      () => new PCGrad({ seed: 1 }),
      () => new CAGrad(),
      () => new IMTL(),
      () => new NashMTL(),
    ];
    for (const make of methods) {
      const model = build(4);
      const w = make();
      const h = fit(model, toyData(120, 1), { tasks, epochs: 6, batchSize: 40, lr: 0.01, weighting: w });
      const first = h.epochs[0].trainLoss;
      const last = h.epochs[h.epochs.length - 1].trainLoss;
      for (const t of tasks) {
        expect(Number.isFinite(last[t.name]), `${w.name} ${t.name}`).toBe(true);
      }
      const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
      expect(sum(last), w.name).toBeLessThan(sum(first));
      for (const v of Object.values(h.epochs[5].weights)) expect(Number.isFinite(v), w.name).toBe(true);
    }
  });

  it('a task head receives only its own task gradient under a gradient-based method', () => {
    const model = build(5);
    const data = toyData(40, 3);
    let headGrad: Float32Array | null = null;
    // Capture the head gradient right before the optimiser step through a custom optimiser.
    fit(model, data, {
      tasks,
      epochs: 1,
      batchSize: 40,
      weighting: new MGDA(),
      optimizer: () => ({
        step: () => {
          headGrad = Float32Array.from(model.heads.modules.bin.parameters()[0].grad!.data as Float32Array);
        },
        zeroGrad: () => model.zeroGrad(),
      }),
    });
    // Independent: the gradient of the binary task's loss alone w.r.t. its head weight.
    model.zeroGrad();
    const out = model.forward(data.x as Tensor);
    const labels = data.y.bin;
    const mask = labels.map((v) => (Number.isNaN(v) ? 0 : 1));
    const targets = tensor(labels.map((v) => (Number.isNaN(v) ? 0 : v)));
    const loss = binaryCrossEntropyWithLogits(out.bin.reshape([40]), targets, {
      mask: Uint8Array.from(mask),
    });
    loss.backward();
    const expected = model.heads.modules.bin.parameters()[0].grad!.data;
    expect(headGrad).not.toBeNull();
    for (let i = 0; i < expected.length; i++) expect(headGrad![i]).toBeCloseTo(expected[i], 5);
  });

  it('stops with an error naming the task, epoch and step when a loss is not finite', () => {
    const model = build();
    const data = toyData(64, 1);
    data.y.reg[10] = 1e30; // squared error overflows float32
    expect(() => fit(model, data, { tasks, epochs: 2, batchSize: 64 })).toThrow(NonFiniteLossError);
    try {
      fit(build(), data, { tasks, epochs: 2, batchSize: 64 });
    } catch (e) {
      expect((e as Error).message).toMatch(/task 'reg'.*epoch 0, step 0/);
    }
    const h = fit(build(), data, { tasks, epochs: 2, batchSize: 64, nonFinite: 'skip' });
    expect(h.epochs[0].skippedBatches).toBe(1);
  });

  it('early stopping restores the best epoch', () => {
    const model = build();
    const h = fit(model, toyData(200, 1), {
      tasks,
      epochs: 60,
      lr: 0.05,
      validation: toyData(60, 9),
      earlyStopping: { patience: 3 },
    });
    const best = h.epochs[h.bestEpoch].validation!;
    const now = evaluate(model, toyData(60, 9), { tasks });
    for (const t of tasks) expect(now[t.name].loss).toBeCloseTo(best[t.name].loss, 5);
  });

  it('rejects bad input with named errors', () => {
    const model = build();
    const data = toyData(20, 1);
    expect(() =>
      fit(model, { x: data.x, y: { ...data.y, cls: data.y.cls.map(() => 3) } }, { tasks, epochs: 1 }),
    ).toThrow(/label 3 at row 0 is not a class index in \[0, 2\]/);
    expect(() =>
      fit(model, { x: data.x, y: { cls: data.y.cls, bin: data.y.bin } }, { tasks, epochs: 1 }),
    ).toThrow(/no labels for task 'reg'/);
    expect(() => fit(model, data, { tasks, epochs: 0 })).toThrow(/epochs/);
    expect(() =>
      fit(model, { x: tensor([[Number.NaN, 1, 2]]), y: { cls: [0], bin: [1], reg: [1] } }, { tasks }),
    ).toThrow(/feature 0 of row 0 is NaN/);
  });

  it('MMoE trains too and exposes gates and experts in its state dict', () => {
    const model = MMoE.build({ inputs: 3, experts: 3, hidden: [8], tasks, rng: new Rng(2) });
    const keys = Object.keys(model.stateDict());
    expect(keys).toContain('experts.0.layers.0.weight');
    expect(keys).toContain('gates.cls.weight');
    expect(keys).toContain('heads.reg.bias');
    const h = fit(model, toyData(100, 1), { tasks, epochs: 5, lr: 0.01 });
    expect(Number.isFinite(h.epochs[4].trainLoss.cls)).toBe(true);
    expect(h.epochs[4].trainLoss.cls).toBeLessThan(h.epochs[0].trainLoss.cls);
  });

  it('records gradient conflict per epoch when asked', () => {
    const h = fit(build(), toyData(60, 1), { tasks, epochs: 2, recordConflict: true });
    const c = h.epochs[1].conflict!;
    expect(c).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(c[i][i]).toBeCloseTo(1, 6);
      for (let j = 0; j < 3; j++) expect(c[i][j]).toBeCloseTo(c[j][i], 12);
    }
  });
});

describe('low-data regime: a shared trunk helps related tasks', () => {
  // Six related regression tasks (w_t = √0.9·w_shared + √0.1·w_own), each labelled on its own 15 rows
  // only: a single-task model sees 15 rows, the shared trunk sees all 90. Measured over three seeds.
  it('multi-task beats single-task on held-out data', () => {
    const T = 6;
    const per = 15;
    const gen = (samples: number, dataSeed: number) =>
      relatedTasks({ tasks: T, samples, features: 20, relatedness: 0.9, noise: 0.2, seed: 11, dataSeed });
    const toData = (d: ReturnType<typeof gen>, ownRowsOnly: boolean) => ({
      x: new Tensor(Float32Array.from(d.x), [d.nRows, d.nFeatures]),
      y: Object.fromEntries(
        d.targets.map((t, i) => [
          `t${i}`,
          Array.from(t, (v, r) => (!ownRowsOnly || Math.floor(r / per) === i ? v : Number.NaN)),
        ]),
      ),
    });
    const rtasks: TaskSpec[] = Array.from({ length: T }, (_, i) => ({ name: `t${i}`, kind: 'regression' }));
    const train = toData(gen(T * per, 1), true);
    const test = toData(gen(400, 2), false);
    let wins = 0;
    let deltaSum = 0;
    for (const seed of [3, 4, 5]) {
      const result = compareWithSingleTask({
        tasks: rtasks,
        train,
        test,
        inputs: 20,
        hidden: [32],
        fit: { epochs: 100, batchSize: 16, lr: 0.01, weightDecay: 1e-3 },
        seed,
      });
      wins += rtasks.filter((t) => result.tasks[t.name].mtl.mse! < result.tasks[t.name].stl.mse!).length;
      deltaSum += result.deltaM;
    }
    expect(wins).toBeGreaterThanOrEqual(12); // of 18 task × seed pairs
    expect(deltaSum / 3).toBeLessThan(-5); // Δm < 0: multi-task is better
  });
});

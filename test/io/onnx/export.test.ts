import { describe, expect, it } from 'vitest';
import { randn, tensor } from '../../../src/autograd/create.js';
import type { Tensor } from '../../../src/autograd/tensor.js';
import { ValueError } from '../../../src/errors.js';
import { toOnnx } from '../../../src/io/onnx/index.js';
import { type BuildOptions, HardSharing, MMoE, type MultiTaskModel } from '../../../src/mtl/architectures.js';
import { predict } from '../../../src/mtl/evaluate.js';
import { CGC, PLE } from '../../../src/mtl/ple.js';
import type { TaskSpec } from '../../../src/mtl/tasks.js';
import { GELU, Softplus } from '../../../src/nn/activations.js';
import { Sequential } from '../../../src/nn/containers.js';
import { Linear } from '../../../src/nn/linear.js';
import { MLP } from '../../../src/nn/mlp.js';
import { Rng } from '../../../src/tensor/rng.js';
import { expectSameOutputs, runOnnx } from './runtime.js';

const TASKS: TaskSpec[] = [
  { name: 'species', kind: 'classification', classes: 3 },
  { name: 'sex', kind: 'binary' },
  { name: 'mass', kind: 'regression', outputs: 2 },
];
const INPUTS = 5;
const ACTIVATIONS: NonNullable<BuildOptions['activation']>[] = [
  'relu',
  'tanh',
  'gelu',
  'leakyRelu',
  'sigmoid',
  'softplus',
];

const build: Record<string, (activation: BuildOptions['activation'], rng: Rng) => MultiTaskModel> = {
  HardSharing: (activation, rng) =>
    HardSharing.build({ inputs: INPUTS, hidden: [8, 6], tasks: TASKS, activation, rng }),
  MMoE: (activation, rng) =>
    MMoE.build({ inputs: INPUTS, hidden: [6], experts: 3, tasks: TASKS, activation, rng }),
  'HardSharing with towers': (activation, rng) =>
    HardSharing.build({ inputs: INPUTS, hidden: [6], tasks: TASKS, towerHidden: [5, 3], activation, rng }),
  'MMoE with towers': (activation, rng) =>
    MMoE.build({ inputs: INPUTS, hidden: [6], experts: 2, tasks: TASKS, towerHidden: [4], activation, rng }),
  CGC: (activation, rng) =>
    CGC.build({
      inputs: INPUTS,
      sharedExperts: 2,
      taskExperts: 1,
      expertHidden: [6],
      towerHidden: [4],
      tasks: TASKS,
      activation,
      rng,
    }),
  'CGC without task experts': (activation, rng) =>
    CGC.build({
      inputs: INPUTS,
      sharedExperts: 1,
      taskExperts: 0,
      expertHidden: [4],
      tasks: TASKS,
      activation,
      rng,
    }),
  PLE: (activation, rng) =>
    PLE.build({
      inputs: INPUTS,
      levels: 3,
      sharedExperts: 2,
      taskExperts: 2,
      expertHidden: [5, 4],
      towerHidden: [3],
      tasks: TASKS,
      activation,
      rng,
    }),
};

describe('toOnnx runs in ONNX Runtime with the outputs of predict', () => {
  for (const [arch, make] of Object.entries(build)) {
    it.each(ACTIVATIONS)(`${arch}, %s, at batch sizes 1 and 7`, async (activation) => {
      const rng = new Rng(7);
      const model = make(activation, rng);
      for (const n of [1, 7]) await expectSameOutputs(model, randn([n, INPUTS], { rng }).mul(tensor(2)));
    });
  }

  it('MLP parts with LayerNorm, GELU (tanh), Softplus with beta, Sequential heads and no bias', async () => {
    const rng = new Rng(3);
    const trunk = new MLP([INPUTS, 6, 4], { activation: 'geluTanh', norm: 'layernorm', rng });
    const heads = {
      a: new Sequential(
        new Linear(4, 3, { rng }),
        new Softplus({ beta: 2 }),
        new Linear(3, 2, { rng, bias: false }),
      ),
      b: new MLP([4, 3, 1], { activation: new GELU(), outputActivation: 'identity', rng }),
    };
    const model = new HardSharing({ trunk, heads });
    for (const n of [2, 5]) await expectSameOutputs(model, randn([n, INPUTS], { rng }));
  });

  it('a float64 model exports float32 weights and still matches', async () => {
    const rng = new Rng(5);
    const model = HardSharing.build({ inputs: INPUTS, hidden: [4], tasks: TASKS, rng, dtype: 'float64' });
    await expectSameOutputs(model, randn([3, INPUTS], { rng, dtype: 'float64' }));
  });
});

describe('toOnnx options', () => {
  const rng = new Rng(11);
  const model = HardSharing.build({ inputs: 3, hidden: [4], tasks: TASKS, rng });

  it('bakes in NaN filling and standardisation, probabilities, and regression targets in label units', async () => {
    const mean = [1, -2, 0.5];
    const std = [2, 0.5, 1];
    const fill = [1, 0, 3];
    const raw = [3, -1, Number.NaN, 0, -2.5, 1.5];
    const bytes = toOnnx(model, {
      standardize: { mean, std, fill },
      output: 'probabilities',
      tasks: TASKS,
      targets: { mass: { mean: 100, std: 10 } },
      inputName: 'raw',
    });
    const got = await runOnnx(bytes, Float32Array.from(raw), [2, 3], 'raw');
    // The same preprocessing by hand, then predict's probabilities.
    const x = tensor(
      [0, 1].map((r) =>
        [0, 1, 2].map((j) => ((Number.isNaN(raw[r * 3 + j]) ? fill[j] : raw[r * 3 + j]) - mean[j]) / std[j]),
      ),
    );
    const probs = predict(model, x, { output: 'probabilities', tasks: TASKS });
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).forEach((v, i) => expect(v).toBeCloseTo(b[i], 5));
    close(got.species.data, probs.species.data);
    close(got.sex.data, probs.sex.data);
    close(
      got.mass.data,
      Array.from(probs.mass.data, (v) => v * 10 + 100),
    );
    // Each row of class probabilities sums to 1.
    expect(got.species.data[0] + got.species.data[1] + got.species.data[2]).toBeCloseTo(1, 6);
  });

  it('refuses what it cannot export, naming it', () => {
    expect(() => toOnnx({ taskNames: ['a'] } as never)).toThrow(
      /cannot export .*HardSharing, DSelectK, MMoE, CGC, PLE, CrossStitch/,
    );
    expect(() => toOnnx(model, { output: 'probabilities' })).toThrow(/needs the task specs/);
    expect(() => toOnnx(model, { output: 'labels' as never })).toThrow(ValueError);
    expect(() => toOnnx(model, { standardize: { mean: [0, 0], std: [1, 1] } })).toThrow(
      /reads 3 features, but the options give 2/,
    );
    expect(() => toOnnx(model, { standardize: { mean: [0, 0, 0], std: [1, 0, 1] } })).toThrow(/non-zero/);
    expect(() => toOnnx(model, { inputName: 'sex' })).toThrow(/named 'sex' like the input/);
    expect(() => toOnnx(model, { targets: { weight: { mean: 0, std: 1 } } })).toThrow(/not a task/);
    expect(() => toOnnx(model, { opset: 13 } as never)).toThrow(ValueError);
    const odd = new HardSharing({
      trunk: new MLP([3, 4, 4], { activation: (t: Tensor) => t, rng }),
      heads: { a: new Linear(4, 1) },
    });
    expect(() => toOnnx(odd)).toThrow(/trunk: function .* has no ONNX form/);
  });
});

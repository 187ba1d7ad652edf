/**
 * toPytorch: the generated module, run by PyTorch on our weights, gives our outputs. Needs /usr/bin/python3 with
 * torch (Debian's python3-torch); without it the comparison is skipped and says why. The structure checks
 * (activations found, unsupported models refused) run everywhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import type { Tensor } from '../../src/autograd/tensor.js';
import {
  type BuildOptions,
  CGC,
  describeModel,
  encodeSafetensors,
  HardSharing,
  LayerNorm,
  MLP,
  MMoE,
  PLE,
  Rng,
  randn,
  type TaskSpec,
  toPytorch,
  ValueError,
} from '../../src/index.js';
import type { MultiTaskModel } from '../../src/mtl/architectures.js';
import { CrossStitch, CrossStitchUnit } from '../../src/mtl/cross-stitch.js';
import { DSelectK, DSelectKGate } from '../../src/mtl/dselect-k.js';
import type { ActivationName } from '../../src/nn/activations.js';
import { Linear } from '../../src/nn/linear.js';
import { crossStitchWith, dselectWith, scrambleAlpha, spreadSelectors, TASKS3 } from './export-models.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch)
  console.warn(
    `PyTorch comparison skipped: ${PYTHON} -c 'import torch' failed (${probe.error?.message ?? probe.stderr.trim().split('\n').at(-1)}); install python3-torch to run it`,
  );

const tasks: TaskSpec[] = [
  { name: 'species', kind: 'classification', classes: 3 },
  { name: 'sex', kind: 'binary' },
  { name: 'mass', kind: 'regression' },
];
type Activation = ActivationName;
/** One-output regression tasks with the given names. */
const regressions = (names: readonly string[]): TaskSpec[] =>
  names.map((name) => ({ name, kind: 'regression' }));
type Built = NonNullable<BuildOptions['activation']>;

const CASES: { name: string; activation: Activation; build: (a: Activation, rng: Rng) => MultiTaskModel }[] =
  [
    {
      name: 'HardSharing',
      activation: 'relu',
      build: (activation, rng) =>
        HardSharing.build({ inputs: 5, hidden: [16, 8], tasks, activation: activation as Built, rng }),
    },
    {
      name: 'HardSharing',
      activation: 'leakyRelu',
      build: (activation, rng) =>
        HardSharing.build({ inputs: 5, hidden: [12], tasks, activation: activation as Built, rng }),
    },
    {
      name: 'MMoE',
      activation: 'gelu',
      build: (activation, rng) =>
        MMoE.build({ inputs: 5, experts: 3, hidden: [10, 6], tasks, activation: activation as Built, rng }),
    },
    {
      name: 'CGC',
      activation: 'tanh',
      build: (activation, rng) =>
        CGC.build({
          inputs: 5,
          sharedExperts: 2,
          taskExperts: 1,
          expertHidden: [7],
          towerHidden: [4],
          tasks,
          activation: activation as Built,
          rng,
        }),
    },
    {
      name: 'PLE (3 levels)',
      activation: 'sigmoid',
      build: (activation, rng) =>
        PLE.build({
          inputs: 5,
          sharedExperts: 2,
          taskExperts: 2,
          expertHidden: [6, 5],
          levels: 3,
          tasks,
          activation: activation as Built,
          rng,
        }),
    },
    {
      name: 'PLE (no task experts)',
      activation: 'softplus',
      build: (activation, rng) =>
        PLE.build({
          inputs: 5,
          sharedExperts: 2,
          taskExperts: 0,
          expertHidden: [6],
          levels: 2,
          tasks,
          activation: activation as Built,
          rng,
        }),
    },
    {
      name: 'CrossStitch (one layer, 2 tasks)',
      activation: 'relu',
      build: (a, rng) =>
        scrambleAlpha(
          CrossStitch.build({
            inputs: 5,
            hidden: [6],
            tasks: tasks.slice(0, 2),
            activation: a as Built,
            rng,
          }),
          rng,
        ),
    },
    {
      name: 'CrossStitch (3 layers, towers, dropout)',
      activation: 'gelu',
      build: (a, rng) =>
        scrambleAlpha(
          CrossStitch.build({
            inputs: 5,
            hidden: [7, 6, 5],
            tasks: TASKS3,
            towerHidden: [4],
            dropout: 0.3,
            activation: a as Built,
            rng,
          }),
          rng,
        ),
    },
    {
      name: 'CrossStitch (one task, initial α)',
      activation: 'tanh',
      build: (a, rng) =>
        CrossStitch.build({ inputs: 5, hidden: [4, 3], tasks: tasks.slice(2), activation: a as Built, rng }),
    },
    {
      name: 'CrossStitch (parts)',
      activation: 'geluTanh',
      build: (a, rng) => crossStitchWith(a, [5, 6, 4], ['a', 'b', 'c'], rng),
    },
    {
      name: 'DSelectK (E = 4, k = 2)',
      activation: 'softplus',
      build: (a, rng) =>
        spreadSelectors(
          DSelectK.build({ inputs: 5, hidden: [6], experts: 4, k: 2, tasks, activation: a as Built, rng }),
          rng,
        ),
    },
    {
      name: 'DSelectK (E = 3, k = 1)',
      activation: 'leakyRelu',
      build: (a, rng) =>
        spreadSelectors(
          DSelectK.build({
            inputs: 5,
            hidden: [6],
            experts: 3,
            k: 1,
            tasks: tasks.slice(0, 2),
            activation: a as Built,
            rng,
          }),
          rng,
        ),
    },
    {
      name: 'DSelectK (E = 5, k = 3, towers, γ = 0.5, entropy term)',
      activation: 'sigmoid',
      build: (a, rng) =>
        spreadSelectors(
          DSelectK.build({
            inputs: 5,
            hidden: [5, 4],
            experts: 5,
            k: 3,
            gamma: 0.5,
            entropyReg: 0.1,
            towerHidden: [3],
            tasks: TASKS3,
            activation: a as Built,
            rng,
          }),
          rng,
        ),
    },
    {
      name: 'DSelectK (parts, E = 6, γ = 2)',
      activation: 'identity',
      build: (a, rng) => dselectWith(a, { inputs: 5, experts: 6, k: 2, gamma: 2, tasks: ['a', 'b'] }, rng),
    },
  ];

/**
 * Ours: the DSelect-k gates' training term on x (summed over the tasks), or null for other models. Taken at x / 10
 * (no selector is clipped onto the codes that name no expert) and at x (some are: Σ_e s = 0, each costing 1/ε).
 */
function extraLoss(model: MultiTaskModel, x: Tensor): number[] | null {
  if (!(model instanceof DSelectK)) return null;
  return noGrad(() =>
    [x.mul(0.1), x].map((at) =>
      model.taskNames.reduce((acc, t) => {
        const gate = model.gates.modules[t] as DSelectKGate;
        const term = gate.extraLoss(gate.selectorOutputs(at));
        return acc + (term === null ? 0 : term.data[0]);
      }, 0),
    ),
  );
}

/**
 * Loads each generated file with its weights in PyTorch and returns, per model, the state-dict keys, the outputs
 * on x, the extra loss at x / 10 and x (DSelect-k only), and whether continuing to train works there: train() and
 * eval(), a move to float64, a backward pass and an SGD step with finite gradients.
 */
const TORCH_SCRIPT = `
import importlib.util, json, sys, torch
jobs = json.load(open(sys.argv[1]))
x = torch.tensor(jobs["x"], dtype=torch.float32)
out = []
for i, job in enumerate(jobs["models"]):
    spec = importlib.util.spec_from_file_location(f"m{i}", job["py"])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    model = m.load_model(job["weights"]).eval()
    with torch.no_grad():
        y = model(x)
        extra = [model.extra_loss(at).item() for at in (x / 10, x)] if hasattr(model, "extra_loss") else None
    keys = sorted(model.state_dict().keys())
    model = model.train().eval().train().to(torch.float64)
    sum(v.sum() for v in model(x.double()).values()).backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    torch.optim.SGD(model.parameters(), lr=0.01).step()
    trained = len(grads) > 0 and all(bool(torch.isfinite(g).all()) for g in grads)
    out.append({"keys": keys, "y": {t: v.tolist() for t, v in y.items()}, "extra": extra, "trained": trained})
print(json.dumps(out))
`;

/** The public attributes of an nn.ModuleDict in this torch, and those a plain nn.ModuleDict accepts as keys. */
const MODULE_DICT_NAMES = `
import json
from torch import nn
names = [n for n in dir(nn.ModuleDict()) if not n.startswith("_") and n != "training"]
accepted = []
for n in names:
    try:
        nn.ModuleDict({n: nn.Linear(1, 1)})
        accepted.append(n)
    except KeyError:
        pass
print(json.dumps({"names": names, "accepted": accepted}))
`;

interface TorchResult {
  keys: string[];
  y: Record<string, number[][]>;
  extra: number[] | null;
  trained: boolean;
}

/** Writes each model's file and weights to dir, runs them in PyTorch on x and checks them against ours. */
function expectTorchMatches(dir: string, models: { name: string; model: MultiTaskModel }[], x: Tensor): void {
  const jobs = models.map(({ model }, i) => {
    const py = join(dir, `model_${i}.py`);
    const weights = join(dir, `model_${i}.safetensors`);
    writeFileSync(py, toPytorch(model));
    writeFileSync(weights, encodeSafetensors(model.stateDict()));
    model.eval();
    return {
      py,
      weights,
      ours: model.forward(x),
      extra: extraLoss(model, x),
      keys: Object.keys(model.stateDict()).sort(),
    };
  });
  const input = join(dir, 'jobs.json');
  const [N, F] = x.shape;
  const rows = Array.from({ length: N }, (_, r) => Array.from(x.data.subarray(F * r, F * r + F)));
  writeFileSync(input, JSON.stringify({ x: rows, models: jobs.map(({ py, weights }) => ({ py, weights })) }));
  const run = spawnSync(PYTHON, ['-c', TORCH_SCRIPT, input], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const results = JSON.parse(run.stdout) as TorchResult[];
  results.forEach((r, i) => {
    const { name } = models[i];
    expect(r.keys, name).toEqual(jobs[i].keys);
    expect(r.trained, `${name}: train/eval, float64, backward and an SGD step in PyTorch`).toBe(true);
    // DSelect-k's training term (entropy, and the term for E not a power of two) as ours, relative 1e-5.
    const extra = jobs[i].extra;
    if (extra === null) expect(r.extra, name).toBeNull();
    else
      extra.forEach((v, k) => {
        if (!Number.isFinite(v)) throw new Error(`${name}: our extra loss is ${v}`);
        expect(Math.abs((r.extra as number[])[k] - v), name).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(v)),
        );
      });
    for (const [task, ours] of Object.entries(jobs[i].ours)) {
      const theirs = r.y[task].flat();
      expect(theirs.length, `${name}: ${task}`).toBe(ours.data.length);
      for (let k = 0; k < theirs.length; k++)
        expect(Math.abs(theirs[k] - ours.data[k]), `${name}: ${task}`).toBeLessThanOrEqual(1e-5);
    }
  });
}

describe('describeModel', () => {
  it.each(CASES)('finds the activation of $name built with $activation', ({ activation, build }) => {
    const spec = describeModel(build(activation, new Rng(3)));
    const mlps = JSON.stringify(spec).match(/"activation":"[A-Za-z]+"/g) ?? [];
    expect(mlps.length).toBeGreaterThan(0);
    // Hidden layers of the experts/trunk and of the towers all use the one activation the model was built with;
    // one-layer MLPs have no hidden layer and report identity.
    for (const m of mlps) expect([`"activation":"${activation}"`, '"activation":"identity"']).toContain(m);
  });

  it('refuses an MLP with LayerNorm and a part that is neither Linear nor MLP, naming the part', () => {
    const trunk = new MLP([4, 6, 6], { norm: 'layernorm' });
    const heads = { y: new MLP([6, 1]) };
    expect(() => describeModel(new HardSharing({ trunk, heads }))).toThrow(/trunk is an MLP with LayerNorm/);
    const odd = new HardSharing({ trunk: new LayerNorm(4), heads });
    expect(() => describeModel(odd)).toThrow(ValueError);
    expect(() => describeModel(odd)).toThrow(/trunk is a LayerNorm/);
    expect(() => describeModel(new MLP([2, 1]))).toThrow(
      /expected a HardSharing, MMoE, DSelectK, CGC, PLE or CrossStitch model, got MLP/,
    );
  });

  it('describes a DSelect-k gate by its sizes, k, γ and entropy weight', () => {
    const model = DSelectK.build({
      inputs: 5,
      hidden: [4],
      experts: 3,
      k: 2,
      gamma: 0.5,
      entropyReg: 0.2,
      tasks,
    });
    const spec = describeModel(model);
    expect(spec.architecture).toBe('dselect-k');
    if (spec.architecture !== 'dselect-k') return;
    expect(spec.gates.sex).toEqual({
      experts: 3,
      k: 2,
      gamma: 0.5,
      entropyReg: 0.2,
      zLogits: { kind: 'linear', inputs: 5, outputs: 4, bias: true }, // k · ⌈log₂ 3⌉ = 2 · 2
      wLogits: { kind: 'linear', inputs: 5, outputs: 2, bias: true },
    });
  });

  it('refuses the cross-stitch and DSelect-k models it cannot write, naming the part', () => {
    const rng = new Rng(1);
    const columns = { a: [new Linear(3, 4, { rng })], b: [new Linear(3, 4, { rng })] };
    const odd = new CrossStitch({
      columns,
      units: [new CrossStitchUnit(2)],
      towers: { a: new Linear(4, 1), b: new Linear(4, 1) },
      activation: ((t: Tensor) => t.mul(3)) as never,
    });
    expect(() => describeModel(odd)).toThrow(ValueError);
    expect(() => describeModel(odd)).toThrow(
      /describeModel: the CrossStitch columns use an activation outside/,
    );
    const normed = new CrossStitch({
      columns,
      units: [new CrossStitchUnit(2)],
      towers: { a: new Linear(4, 1), b: new MLP([4, 3, 1], { norm: 'layernorm' }) },
    });
    expect(() => describeModel(normed)).toThrow(/towers\.b is an MLP with LayerNorm/);
    const expert = new MLP([3, 4, 4], { norm: 'layernorm' });
    const dsk = new DSelectK({
      experts: [expert, new MLP([3, 4])],
      gates: { a: new DSelectKGate(3, 2, 1) },
      heads: { a: new Linear(4, 1) },
    });
    expect(() => describeModel(dsk)).toThrow(/experts\.0 is an MLP with LayerNorm/);
    const mixed = new MMoE({
      experts: [new Linear(3, 4), new Linear(3, 4)],
      gates: { a: new DSelectKGate(3, 2, 1) },
      heads: { a: new Linear(4, 1) },
    });
    expect(() => describeModel(mixed)).toThrow(/gates\.a is a DSelectKGate; only Linear and MLP/);
  });

  it('refuses task names PyTorch assigns on its modules (training, _…), naming the task and why', () => {
    const hs = (names: string[]) => HardSharing.build({ inputs: 3, hidden: [4], tasks: regressions(names) });
    expect(() => describeModel(hs(['a', 'training']))).toThrow(ValueError);
    expect(() => describeModel(hs(['a', 'training']))).toThrow(
      /describeModel: task name "training" clashes with nn.Module.training, which model.train\(\) and model.eval\(\) assign/,
    );
    expect(() => toPytorch(hs(['_parameters']))).toThrow(
      /task name "_parameters" begins with '_', where PyTorch keeps a module's own state/,
    );
    const rng = new Rng(2);
    const tasks = regressions(['a', '_aux']);
    for (const model of [
      MMoE.build({ inputs: 3, experts: 2, hidden: [4], tasks, rng }),
      DSelectK.build({ inputs: 3, experts: 3, k: 1, hidden: [4], tasks, rng }),
      CGC.build({ inputs: 3, sharedExperts: 1, taskExperts: 1, expertHidden: [4], tasks, rng }),
      PLE.build({ inputs: 3, sharedExperts: 1, taskExperts: 1, expertHidden: [4], levels: 2, tasks, rng }),
      CrossStitch.build({ inputs: 3, hidden: [4], tasks, rng }),
    ])
      expect(() => describeModel(model), model.constructor.name).toThrow(/task name "_aux" begins with '_'/);
    // Names of nn.Module methods are written out (the generated module registers them; see the PyTorch tests).
    expect(describeModel(hs(['forward', 'to', 'type', 'train'])).tasks).toEqual([
      'forward',
      'to',
      'type',
      'train',
    ]);
  });

  it('refuses a custom activation function', () => {
    const trunk = new MLP([4, 6, 6], { activation: (x) => x.mul(2) });
    expect(() => describeModel(new HardSharing({ trunk, heads: { y: new MLP([6, 1]) } }))).toThrow(
      /trunk \(an MLP\) uses an activation outside/,
    );
  });
});

describe.skipIf(!hasTorch)('the generated PyTorch module under python3-torch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-pytorch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reproduces predict outputs to 1e-5 for every architecture, with our state-dict keys', {
    timeout: 60_000,
  }, () => {
    const rng = new Rng(11);
    const x = randn([9, 5], { rng });
    const models = CASES.map((c) => ({ name: c.name, model: c.build(c.activation, rng) }));
    // At x some selectors weigh unused codes only, so the comparison of the extra loss there covers its ε.
    const dselect = models.flatMap(({ model }) => extraLoss(model, x) ?? []);
    expect(dselect.some((v) => v >= 1e6)).toBe(true);
    expectTorchMatches(dir, models, x);
  });

  it('runs models whose tasks are named like nn.Module attributes (forward, to, type, train, keys, ...)', {
    timeout: 60_000,
  }, () => {
    // This torch's public nn.ModuleDict attributes, and which of them a plain nn.ModuleDict takes as a key: none.
    const probe = spawnSync(PYTHON, ['-c', MODULE_DICT_NAMES], { encoding: 'utf8' });
    expect(probe.status, probe.stderr).toBe(0);
    const { names, accepted } = JSON.parse(probe.stdout) as { names: string[]; accepted: string[] };
    expect(names).toEqual(expect.arrayContaining(['forward', 'to', 'type', 'train', 'eval', 'cuda', 'keys']));
    expect(accepted).toEqual([]);
    const rng = new Rng(5);
    const x = randn([6, 5], { rng });
    const three = (i: number) => regressions(names.slice(3 * i, 3 * i + 3));
    const models: { name: string; model: MultiTaskModel }[] = [
      {
        name: 'HardSharing, every name',
        model: HardSharing.build({ inputs: 5, hidden: [4], tasks: regressions(names), rng }),
      },
      { name: 'MMoE', model: MMoE.build({ inputs: 5, experts: 2, hidden: [4], tasks: three(0), rng }) },
      {
        name: 'DSelectK',
        model: spreadSelectors(
          DSelectK.build({ inputs: 5, experts: 3, k: 2, hidden: [4], tasks: three(1), rng }),
          rng,
        ),
      },
      {
        name: 'CGC',
        model: CGC.build({
          inputs: 5,
          sharedExperts: 1,
          taskExperts: 1,
          expertHidden: [4],
          tasks: three(2),
          rng,
        }),
      },
      {
        name: 'PLE',
        model: PLE.build({
          inputs: 5,
          sharedExperts: 1,
          taskExperts: 1,
          expertHidden: [4],
          levels: 2,
          tasks: three(3),
          rng,
        }),
      },
      {
        name: 'CrossStitch',
        model: scrambleAlpha(CrossStitch.build({ inputs: 5, hidden: [4, 3], tasks: three(4), rng }), rng),
      },
    ];
    expectTorchMatches(dir, models, x);
  });

  it('refuses only names that break PyTorch itself: training and _-prefixed state', () => {
    // The generated file's task_dict holds any key; PyTorch then fails on its own assignments to those two.
    const py = join(dir, 'names.py');
    writeFileSync(py, toPytorch(HardSharing.build({ inputs: 3, hidden: [4], tasks: regressions(['a']) })));
    const script = `
import importlib.util, json, sys
from torch import nn
spec = importlib.util.spec_from_file_location("names", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
def fails(name, use):
    try:
        use(m.task_dict({name: nn.Linear(1, 1)}))
        return None
    except TypeError as e:
        return str(e)
print(json.dumps([
    fails("training", lambda d: d.train()),
    fails("_is_full_backward_hook", lambda d: d.register_full_backward_hook(lambda *a: None)),
    fails("forward", lambda d: d.train()),
]))
`;
    const run = spawnSync(PYTHON, ['-c', script, py], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [training, underscore, forward] = JSON.parse(run.stdout) as (string | null)[];
    expect(training).toMatch(/cannot assign 'bool' as child module 'training'/);
    expect(underscore).toMatch(/cannot assign 'bool' as child module '_is_full_backward_hook'/);
    expect(forward).toBeNull();
  });
});

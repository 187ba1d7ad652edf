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
 * Ours: the DSelect-k gates' training term on x (summed over the tasks), or null for other models. It is taken at
 * x / 10, where the spread selectors are not clipped onto the codes that name no expert: there Σ_e s = 0 and the
 * term for E not a power of two is infinite in both frameworks, which would compare nothing.
 */
function extraLoss(model: MultiTaskModel, x: Tensor): number | null {
  if (!(model instanceof DSelectK)) return null;
  return noGrad(() =>
    model.taskNames.reduce((acc, t) => {
      const gate = model.gates.modules[t] as DSelectKGate;
      const term = gate.extraLoss(gate.selectorOutputs(x));
      return acc + (term === null ? 0 : term.data[0]);
    }, 0),
  );
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
    const jobs = CASES.map((c, i) => {
      const model = c.build(c.activation, rng);
      const py = join(dir, `model_${i}.py`);
      const weights = join(dir, `model_${i}.safetensors`);
      writeFileSync(py, toPytorch(model));
      writeFileSync(weights, encodeSafetensors(model.stateDict()));
      model.eval();
      const ours = model.forward(x);
      return {
        py,
        weights,
        ours,
        extra: extraLoss(model, x.mul(0.1)),
        keys: Object.keys(model.stateDict()).sort(),
      };
    });
    const script = `
import importlib.util, json, sys, torch
jobs = json.load(open(sys.argv[1]))
x = torch.tensor(jobs["x"], dtype=torch.float32)
out = []
for job in jobs["models"]:
    spec = importlib.util.spec_from_file_location("m", job["py"])
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    model = m.load_model(job["weights"]).eval()
    with torch.no_grad():
        y = model(x)
        extra = model.extra_loss(x / 10).item() if hasattr(model, "extra_loss") else None
    out.append({"keys": sorted(model.state_dict().keys()), "y": {t: v.tolist() for t, v in y.items()}, "extra": extra})
print(json.dumps(out))
`;
    const input = join(dir, 'jobs.json');
    const rows = Array.from({ length: 9 }, (_, r) => Array.from(x.data.subarray(5 * r, 5 * r + 5)));
    writeFileSync(
      input,
      JSON.stringify({ x: rows, models: jobs.map(({ py, weights }) => ({ py, weights })) }),
    );
    const run = spawnSync(PYTHON, ['-c', script, input], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as {
      keys: string[];
      y: Record<string, number[][]>;
      extra: number | null;
    }[];
    results.forEach((r, i) => {
      expect(r.keys).toEqual(jobs[i].keys);
      // DSelect-k's training term (entropy, and the term for E not a power of two) as ours, relative 1e-5.
      const extra = jobs[i].extra;
      if (extra === null) expect(r.extra, CASES[i].name).toBeNull();
      else if (!Number.isFinite(extra)) throw new Error(`${CASES[i].name}: our extra loss is ${extra}`);
      else
        expect(Math.abs((r.extra as number) - extra), CASES[i].name).toBeLessThanOrEqual(
          1e-5 * Math.max(1, Math.abs(extra)),
        );
      for (const [task, ours] of Object.entries(jobs[i].ours)) {
        const theirs = r.y[task].flat();
        expect(theirs.length).toBe(ours.data.length);
        for (let k = 0; k < theirs.length; k++)
          expect(Math.abs(theirs[k] - ours.data[k])).toBeLessThanOrEqual(1e-5);
      }
    });
  });
});

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
type Activation = NonNullable<BuildOptions['activation']>;

const CASES: { name: string; activation: Activation; build: (a: Activation, rng: Rng) => MultiTaskModel }[] =
  [
    {
      name: 'HardSharing',
      activation: 'relu',
      build: (activation, rng) => HardSharing.build({ inputs: 5, hidden: [16, 8], tasks, activation, rng }),
    },
    {
      name: 'HardSharing',
      activation: 'leakyRelu',
      build: (activation, rng) => HardSharing.build({ inputs: 5, hidden: [12], tasks, activation, rng }),
    },
    {
      name: 'MMoE',
      activation: 'gelu',
      build: (activation, rng) =>
        MMoE.build({ inputs: 5, experts: 3, hidden: [10, 6], tasks, activation, rng }),
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
          activation,
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
          activation,
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
          activation,
          rng,
        }),
    },
  ];

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
      /expected a HardSharing, MMoE, CGC or PLE model, got MLP/,
    );
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

  it('reproduces predict outputs to 1e-5 for every architecture, with our state-dict keys', () => {
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
      return { py, weights, ours, keys: Object.keys(model.stateDict()).sort() };
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
    out.append({"keys": sorted(model.state_dict().keys()), "y": {t: v.tolist() for t, v in y.items()}})
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
    const results = JSON.parse(run.stdout) as { keys: string[]; y: Record<string, number[][]> }[];
    results.forEach((r, i) => {
      expect(r.keys).toEqual(jobs[i].keys);
      for (const [task, ours] of Object.entries(jobs[i].ours)) {
        const theirs = r.y[task].flat();
        expect(theirs.length).toBe(ours.data.length);
        for (let k = 0; k < theirs.length; k++)
          expect(Math.abs(theirs[k] - ours.data[k])).toBeLessThanOrEqual(1e-5);
      }
    });
  });
});

/** Hostile inputs to layers, builders, loadStateDict, optimisers and schedulers. */
import { tensor } from '../../src/autograd/create.js';
import { Tensor } from '../../src/autograd/tensor.js';
import { HardSharing, MMoE } from '../../src/mtl/architectures.js';
import { Dropout } from '../../src/nn/dropout.js';
import { LayerNorm } from '../../src/nn/layernorm.js';
import { Linear } from '../../src/nn/linear.js';
import { MLP } from '../../src/nn/mlp.js';
import { Adam } from '../../src/optim/adam.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { decayGroups } from '../../src/optim/groups.js';
import { CosineAnnealingLR, LambdaLR, StepLR } from '../../src/optim/lr-scheduler.js';
import { SGD } from '../../src/optim/sgd.js';
import type { HostileCase } from './classify.js';
import { BINARY, tinyModel } from './fixtures.js';

const didYouMean = (key: string) => new RegExp(`did you mean '${key}'`);

/** A parameter with a gradient, so that step() has work to do. */
function param(): Tensor {
  const p = tensor([1, 2], { requiresGrad: true });
  p.grad = tensor([0.5, -0.5]);
  return p;
}
const allFinite = (t: Tensor) => t.data.every((v) => Number.isFinite(v));

/** Parameters of a stepped Adam with one value of its state dict replaced. */
function adamWithState(key: 'expAvgSq' | 'expAvg', value: number): () => unknown {
  return () => {
    const p = param();
    const opt = new Adam([p], { lr: 0.1 });
    opt.step();
    const sd = opt.stateDict();
    (sd.state[0] as Record<string, number[]>)[key][1] = value;
    const fresh = new Adam([param()], { lr: 0.1 });
    fresh.loadStateDict(sd);
    return fresh;
  };
}

/** A case where step() after setting lr to `lr` must refuse and leave the parameter untouched. */
function lrAtStep(id: string, make: (p: Tensor) => { step(): void }): HostileCase {
  const p = param();
  return {
    id,
    run: () => make(p).step(),
    intact: () => allFinite(p) && p.data[0] === 1,
  };
}

/** A scheduler whose lambda turns NaN at epoch 1: its step() must refuse, leaving the lr usable. */
function lambdaGivingNaN(): HostileCase {
  const opt = new SGD([param()], { lr: 0.1 });
  return {
    id: 'optim: LambdaLR step giving lr NaN',
    run: () => new LambdaLR(opt, { lrLambda: (e) => (e === 0 ? 1 : Number.NaN) }).step(),
    intact: () => opt.paramGroups[0].lr === 0.1,
  };
}

function halfLoad(): { run: () => unknown; intact: () => boolean } {
  const model = tinyModel();
  const before = model.parameters().map((p) => Float32Array.from(p.data));
  const state: Record<string, Tensor> = {};
  const entries = Object.entries(model.stateDict());
  entries.forEach(([k, v], i) => {
    const data = new Float32Array(v.size).fill(0.25);
    if (i === entries.length - 1) data[0] = Number.NaN; // only the last key is bad
    state[k] = new Tensor(data, v.shape);
  });
  return {
    run: () => model.loadStateDict(state),
    intact: () => model.parameters().every((p, i) => p.data.every((v, j) => v === before[i][j])),
  };
}

export const modelCases: HostileCase[] = [
  // Unknown option keys
  {
    id: 'nn: Linear {bais: false}',
    run: () => new Linear(2, 3, { bais: false } as never),
    message: didYouMean('bias'),
  },
  {
    id: 'nn: MLP {activaton}',
    run: () => new MLP([2, 3], { activaton: 'tanh' } as never),
    message: didYouMean('activation'),
  },
  {
    id: 'nn: LayerNorm {elementwiseAfine}',
    run: () => new LayerNorm(3, { elementwiseAfine: false } as never),
    message: didYouMean('elementwiseAffine'),
  },
  {
    id: 'nn: Dropout {rgn}',
    run: () => new Dropout(0.5, { rgn: null } as never),
    message: didYouMean('rng'),
  },
  {
    id: 'mtl: HardSharing.build {actvation}',
    run: () => HardSharing.build({ inputs: 3, hidden: [4], tasks: BINARY, actvation: 'tanh' } as never),
    message: didYouMean('activation'),
  },
  {
    id: 'mtl: MMoE.build {dropuot}',
    run: () => MMoE.build({ inputs: 3, hidden: [4], experts: 2, tasks: BINARY, dropuot: 0.1 } as never),
    message: didYouMean('dropout'),
  },
  {
    id: 'optim: Adam {weightdecay}',
    run: () => new Adam([param()], { weightdecay: 0.1 } as never),
    message: didYouMean('weightDecay'),
  },
  {
    id: 'optim: StepLR {gama}',
    run: () => new StepLR(new SGD([param()], { lr: 1 }), { stepSize: 2, gama: 0.5 } as never),
    message: didYouMean('gamma'),
  },
  {
    id: 'optim: CosineAnnealingLR {etamin}',
    run: () => new CosineAnnealingLR(new SGD([param()], { lr: 1 }), { tMax: 3, etamin: 0 } as never),
    message: didYouMean('etaMin'),
  },
  {
    id: 'optim: clipGradNorm {normtype}',
    run: () => clipGradNorm([param()], 1, { normtype: 1 } as never),
    message: didYouMean('normType'),
  },
  {
    id: 'optim: decayGroups {weightdecay}',
    run: () => decayGroups(tinyModel(), { weightdecay: 0.1 } as never),
    message: /weightDecay/,
  },
  {
    id: 'nn: loadStateDict {strcit: false}',
    run: () => tinyModel().loadStateDict(tinyModel(BINARY, 1).stateDict(), { strcit: false } as never),
    message: didYouMean('strict'),
  },
  // A learning rate that became NaN or infinite is refused at step(), before touching parameters.
  lrAtStep('optim: SGD step with lr NaN', (p) => {
    const opt = new SGD([p], { lr: 0.1 });
    opt.paramGroups[0].lr = Number.NaN;
    return opt;
  }),
  lrAtStep('optim: Adam step with lr Infinity', (p) => {
    const opt = new Adam([p], { lr: 0.1 });
    opt.paramGroups[0].lr = Number.POSITIVE_INFINITY;
    return opt;
  }),
  lambdaGivingNaN(),
  { id: 'optim: Adam state with negative expAvgSq', run: adamWithState('expAvgSq', -1) },
  { id: 'optim: Adam state with NaN expAvgSq', run: adamWithState('expAvgSq', Number.NaN) },
  { id: 'optim: Adam state with Infinity expAvg', run: adamWithState('expAvg', Number.POSITIVE_INFINITY) },
  // loadStateDict validates everything before copying anything.
  { id: 'nn: loadStateDict with a NaN in the last key', ...halfLoad() },
];

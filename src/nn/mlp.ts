/**
 * A multilayer perceptron: sizes [in, h1, …, out] give sizes.length − 1 Linear layers.
 *
 * Each hidden layer is Linear → LayerNorm (if norm: 'layernorm') → activation → Dropout (if dropout > 0);
 * the last layer is Linear → outputActivation (none by default, so it returns logits).
 *
 * State-dict keys (predictable, independent of activation and dropout):
 *   layers.i.weight [sizes[i+1], sizes[i]], layers.i.bias [sizes[i+1]]   for the i-th Linear, i = 0…L−1
 *   norms.i.weight, norms.i.bias [sizes[i+1]]                            LayerNorm after hidden Linear i, i = 0…L−2
 * Activations and dropout have no parameters and no keys. The one Dropout module is registered as
 * 'dropout' (so train()/eval() reach it). An activation given as a Module instance is registered as
 * 'activation' / 'outputActivation' (one instance shared by all hidden layers), so any parameters it
 * has appear under those names.
 */
import type { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import type { DType } from '../tensor/dtype.js';
import { defaultRng, type Rng } from '../tensor/rng.js';
import { type ActivationFn, type ActivationName, relu, resolveActivation } from './activations.js';
import { ModuleList } from './containers.js';
import { Dropout } from './dropout.js';
import type { InitFn, InitName } from './init.js';
import { LayerNorm } from './layernorm.js';
import { Linear, linear } from './linear.js';
import { Module } from './module.js';

/** Options of {@link MLP}. */
export interface MLPOptions {
  /** Hidden activation: a name (default 'relu'), a tensor function, or a Module. */
  activation?: ActivationName | ActivationFn | Module;
  /** Dropout probability after each hidden activation (default 0: none). */
  dropout?: number;
  /** 'layernorm' to normalise each hidden layer before its activation (default none). */
  norm?: 'layernorm' | null;
  /** Activation after the last layer (default null: the output is the raw Linear output). */
  outputActivation?: ActivationName | ActivationFn | Module | null;
  /** Biases in the Linear layers (default true). */
  bias?: boolean;
  /** Linear initialiser (default: PyTorch's nn.Linear init). */
  init?: InitName | InitFn;
  /**
   * Generator for the initialisation (layers in order, weight then bias) and for the dropout masks.
   * Default: the global one.
   */
  rng?: Rng;
  /** 'float32' (default) or 'float64'. */
  dtype?: DType;
}

const MLP_OPTIONS = ['activation', 'dropout', 'norm', 'outputActivation', 'bias', 'init', 'rng', 'dtype'];

export class MLP extends Module {
  /** The sizes the network was built with, [in, h1, …, out]. */
  readonly sizes: readonly number[];
  /** The Linear layers (keys layers.0 …). */
  readonly layers: ModuleList<Linear>;
  /** LayerNorms after each hidden Linear (keys norms.0 …), or null. */
  readonly norms: ModuleList<LayerNorm> | null;
  /** The dropout layer (null when dropout is 0). */
  readonly dropout: Dropout | null;
  /** The hidden activation as given (a name, a function or a Module): what an exporter writes. */
  readonly activation: ActivationName | ActivationFn | Module;
  /** The output activation as given, or null. */
  readonly outputActivation: ActivationName | ActivationFn | Module | null;
  private readonly act: ActivationFn;
  private readonly outAct: ActivationFn | null;
  /** ReLU after a Linear (and no LayerNorm between) runs inside the Linear op: one pass, one node. */
  private readonly fuseHidden: boolean;
  private readonly fuseOutput: boolean;

  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super();
    if (!Array.isArray(sizes) || sizes.length < 2) {
      throw new ValueError(
        `MLP: sizes must list at least the input and output sizes, got ${JSON.stringify(sizes)}`,
      );
    }
    sizes.forEach((s, i) => {
      if (!Number.isInteger(s) || s < 1)
        throw new ValueError(`MLP: sizes[${i}] must be a positive integer, got ${String(s)}`);
    });
    checkOptionKeys('MLP', options, MLP_OPTIONS);
    const norm = options.norm ?? null;
    if (norm !== null && norm !== 'layernorm') {
      throw new ValueError(`MLP: norm must be 'layernorm' or null, got '${String(norm)}'`);
    }
    const p = options.dropout ?? 0;
    if (typeof p !== 'number' || !(p >= 0 && p < 1))
      throw new ValueError(`MLP: dropout must be in [0, 1), got ${String(p)}`);
    this.sizes = sizes.slice();
    const act = options.activation ?? 'relu';
    this.activation = act;
    this.act = resolveActivation('MLP', act);
    const outAct = options.outputActivation ?? null;
    this.outputActivation = outAct;
    this.outAct = outAct === null ? null : resolveActivation('MLP', outAct);
    this.fuseHidden = isRelu(act) && norm !== 'layernorm';
    this.fuseOutput = outAct !== null && isRelu(outAct);
    const rng = options.rng ?? defaultRng();
    const L = sizes.length - 1;
    const linears: Linear[] = [];
    for (let i = 0; i < L; i++) {
      linears.push(
        new Linear(sizes[i], sizes[i + 1], {
          bias: options.bias,
          init: options.init,
          rng,
          dtype: options.dtype,
        }),
      );
    }
    this.layers = this.registerModule('layers', new ModuleList(linears));
    if (norm === 'layernorm' && L > 1) {
      const lns: LayerNorm[] = [];
      for (let i = 0; i < L - 1; i++) lns.push(new LayerNorm(sizes[i + 1], { dtype: options.dtype }));
      this.norms = this.registerModule('norms', new ModuleList(lns));
    } else {
      this.norms = null;
    }
    this.dropout = p > 0 ? this.registerModule('dropout', new Dropout(p, { rng: options.rng })) : null;
    // Module activations (possibly with parameters) are registered so that their keys and modes follow.
    if (act instanceof Module) this.registerModule('activation', act);
    if (outAct instanceof Module) this.registerModule('outputActivation', outAct);
  }

  forward(x: Tensor): Tensor {
    const L = this.layers.length;
    let h = x;
    for (let i = 0; i < L; i++) {
      const layer = this.layers.at(i);
      const hidden = i < L - 1;
      if (hidden ? this.fuseHidden : this.fuseOutput) {
        h = linear(h, layer.weight, layer.bias, { activation: 'relu' });
        if (hidden && this.dropout !== null) h = this.dropout.forward(h);
        continue;
      }
      h = layer.forward(h);
      if (hidden) {
        if (this.norms !== null) h = this.norms.at(i).forward(h);
        h = this.act(h);
        if (this.dropout !== null) h = this.dropout.forward(h);
      } else if (this.outAct !== null) {
        h = this.outAct(h);
      }
    }
    return h;
  }
}

function isRelu(a: ActivationName | ActivationFn | Module): boolean {
  return a === 'relu' || a === relu;
}

/**
 * DSelect-k (Hazimeh et al., NeurIPS 2021): a mixture of shared experts whose per-task gate picks at most k
 * of them, differentiably. Each of the k "single-expert selectors" holds m = ⌈log₂ E⌉ logits; a smooth step
 * turns them into bits, and expert e (binary code b_e, most significant bit first) gets the weight
 * Π_l (b_el ? S(z_l) : 1 − S(z_l)). The k selectors are mixed by a softmax. The logits and the softmax are
 * linear in x (the paper's per-example gate). Initialisation, the entropy term and the term for E not a power
 * of two follow the authors' code (google-research dselect_k_moe); the latter has an ε (see extraLoss).
 */

import { customOp } from '../autograd/custom.js';
import { add, div, mul, sub } from '../autograd/ops/binary.js';
import { sum } from '../autograd/ops/reduce.js';
import { reshape, slice, unsqueeze } from '../autograd/ops/shape.js';
import { softmax } from '../autograd/ops/softmax.js';
import { clamp, log, pow } from '../autograd/ops/unary.js';
import { Tensor } from '../autograd/tensor.js';
import { ValueError } from '../errors.js';
import { Linear } from '../nn/index.js';
import { uniform } from '../nn/init.js';
import { Module } from '../nn/module.js';
import { checkOptionKeys } from '../options.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { defaultRng, type Rng } from '../tensor/rng.js';
import { buildExperts, EXPERT_OPTIONS, type ExpertOptions, MMoE } from './architectures.js';
import { buildTowers } from './parts.js';

/**
 * The smooth step of Hazimeh et al. 2020: 0 for t ≤ −γ/2, 1 for t ≥ γ/2, and −2t³/γ³ + 3t/(2γ) + ½ between.
 * Built from clamp: the cubic reaches 0 and 1 with zero slope at ±γ/2, so the clamped form is exact, gradient included.
 */
export function smoothStep(t: Tensor, gamma = 1): Tensor {
  if (!(typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma)))
    throw new ValueError(`smoothStep: gamma must be a finite number > 0, got ${String(gamma)}`);
  const u = clamp(t, -gamma / 2, gamma / 2);
  return add(add(mul(pow(u, 3), -2 / gamma ** 3), mul(u, 3 / (2 * gamma))), 0.5);
}

/**
 * The authors' constant for numerical stability (EPSILON in their code): inside the entropy term's log, and in the
 * denominator of the term for E not a power of two.
 */
const EPSILON = 1e-6;

/**
 * y = x in the forward pass; in the backward pass `extra` (a scalar) also receives gradient 1, so its
 * parameters learn as if `extra` were added to whatever loss x reaches.
 */
const withExtraLoss = customOp({
  name: 'withExtraLoss',
  forward: ([x]) => new Tensor(x.data.slice(), x.shape),
  backward: (g, { inputs }) => {
    const one = new Tensor(allocate(inputs[1].dtype, 1), []);
    one.data[0] = 1;
    return [g, one];
  },
});

/** Options of a {@link DSelectKGate}: the smooth step's width and the optional entropy term. */
export interface DSelectKGateOptions {
  /** Width of the smooth step's polynomial region (default 1, the authors' default). */
  gamma?: number;
  /**
   * Weight λ of the entropy term λ·(−Σ s·log(s + 1e-6)) over the selectors' outputs s (summed over the batch),
   * which pushes each selector to one expert (default 0: off; the authors' schedule starts at 1e-6).
   */
  entropyReg?: number;
  rng?: Rng;
  dtype?: DType;
}

/** One task's DSelect-k gate over E experts: weights [N, E], each row summing to 1 (E a power of two). */
export class DSelectKGate extends Module<Tensor, Tensor> {
  readonly experts: number;
  readonly k: number;
  readonly gamma: number;
  readonly entropyReg: number;
  /** The selectors' logits: [N, k·m] (m = ⌈log₂ E⌉ bits per selector). */
  readonly zLogits: Linear;
  /** The logits of the softmax over the k selectors: [N, k]. */
  readonly wLogits: Linear;
  private readonly bits: number;
  /** codes[l][e] = bit l of e (most significant first), as 0/1 rows of length E. */
  private readonly codes: Tensor[];

  constructor(inputs: number, experts: number, k: number, options: DSelectKGateOptions = {}) {
    super();
    checkOptionKeys('DSelectKGate', options, ['gamma', 'entropyReg', 'rng', 'dtype']);
    if (!Number.isInteger(experts) || experts < 2)
      throw new ValueError(`DSelectKGate: experts must be an integer ≥ 2, got ${experts}`);
    if (!Number.isInteger(k) || k < 1 || k > experts)
      throw new ValueError(`DSelectKGate: k must be an integer in [1, experts = ${experts}], got ${k}`);
    const gamma = options.gamma ?? 1;
    if (!(typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma)))
      throw new ValueError(`DSelectKGate: gamma must be a finite number > 0, got ${String(gamma)}`);
    const reg = options.entropyReg ?? 0;
    if (!(typeof reg === 'number' && reg >= 0 && Number.isFinite(reg)))
      throw new ValueError(`DSelectKGate: entropyReg must be a finite number ≥ 0, got ${String(reg)}`);
    this.experts = experts;
    this.k = k;
    this.gamma = gamma;
    this.entropyReg = reg;
    const m = Math.ceil(Math.log2(experts));
    this.bits = m;
    const { dtype } = options;
    const rng = options.rng ?? defaultRng();
    this.zLogits = this.registerModule('zLogits', new Linear(inputs, k * m, { rng, dtype }));
    this.wLogits = this.registerModule('wLogits', new Linear(inputs, k, { rng, dtype }));
    // The authors' initialisers: U(±γ/100) for the selector logits (every bit starts near ½), U(±0.05) for w.
    for (const p of this.zLogits.parameters()) uniform(p, -gamma / 100, gamma / 100, { rng });
    for (const p of this.wLogits.parameters()) uniform(p, -0.05, 0.05, { rng });
    this.codes = Array.from({ length: m }, (_, l) => {
      const row = new Tensor(allocate(dtype ?? 'float32', experts), [experts]);
      for (let e = 0; e < experts; e++) row.data[e] = (e >> (m - 1 - l)) & 1;
      return row;
    });
  }

  /** The single-expert selectors' outputs: [N, k, E]; each row sums to 1 when E is a power of two, else ≤ 1. */
  selectorOutputs(x: Tensor): Tensor {
    const N = x.shape[0];
    const s = smoothStep(reshape(this.zLogits.forward(x), [N, this.k, this.bits]), this.gamma);
    let out: Tensor | null = null;
    for (let l = 0; l < this.bits; l++) {
      const bit = slice(s, [null, null, [l, l + 1]]); // [N, k, 1]
      const code = this.codes[l];
      // b ? S : 1 − S, written as (1 − b) + (2b − 1)·S so it broadcasts over the experts.
      const factor = add(sub(1, code), mul(sub(mul(code, 2), 1), bit));
      out = out === null ? factor : mul(out, factor);
    }
    return out as Tensor;
  }

  /**
   * The training-time extra loss of the authors' code, or null when there is none: the entropy term (when
   * entropyReg > 0) and, when E is not a power of two, Σ 1/(Σ_e s + ε) with ε = 1e-6 (per example and selector),
   * which keeps the selectors off the codes that name no expert.
   *
   * The authors' DSelect-k code divides by Σ_e s alone. When a selector's smooth steps are clipped so that it puts
   * all its weight on unused codes, Σ_e s = 0: the term is infinite and its gradient ∞·0, which made the gate's
   * parameters NaN. With ε, as in COMET's copy of that gate (mazumder-lab/COMET, Ibrahim, Hazimeh, Mazumder et
   * al. 2023: `1 / (1e-6 + Σ s)`), such a row costs 1/ε and contributes a zero gradient (Σ_e s ≥ 0 is at its
   * minimum there, so ∇Σ_e s = 0). Where Σ_e s > 0, the term and its gradient change by a relative 2ε/Σ_e s at
   * most; the gate's outputs do not change at all.
   */
  extraLoss(selectors: Tensor): Tensor | null {
    const terms: Tensor[] = [];
    if (this.entropyReg > 0)
      terms.push(mul(sum(mul(selectors, log(add(selectors, EPSILON)))), -this.entropyReg));
    if (this.experts !== 2 ** this.bits) terms.push(sum(div(1, add(sum(selectors, -1), EPSILON))));
    return terms.reduce<Tensor | null>((acc, t) => (acc === null ? t : add(acc, t)), null);
  }

  /** The expert weights [N, E]. In training mode the extra loss's gradient rides on them (see withExtraLoss). */
  forward(x: Tensor): Tensor {
    const selectors = this.selectorOutputs(x);
    const mixture = unsqueeze(softmax(this.wLogits.forward(x), -1), 2); // [N, k, 1]
    const weights = sum(mul(selectors, mixture), 1);
    const extra = this.training ? this.extraLoss(selectors) : null;
    return extra === null ? weights : withExtraLoss(weights, extra);
  }
}

/** DSelect-k build options: the MMoE ones, k, and the gate's gamma and entropy weight. */
export interface DSelectKOptions extends ExpertOptions {
  /** Experts each task's gate may select, 1 ≤ k ≤ experts. */
  k: number;
  gamma?: number;
  entropyReg?: number;
}

/**
 * DSelect-k: an MMoE whose softmax gates are DSelect-k gates. encode(x) returns the experts' outputs [N, E, H];
 * state-dict keys are MMoE's, with `gates.<task>.zLogits.*` and `gates.<task>.wLogits.*`.
 */
export class DSelectK extends MMoE {
  constructor(parts: {
    experts: Module<Tensor, Tensor>[];
    gates: Record<string, DSelectKGate>;
    heads: Record<string, Module<Tensor, Tensor>>;
  }) {
    super(parts, 'DSelectK');
    for (const [name, gate] of Object.entries(parts.gates)) {
      if (!(gate instanceof DSelectKGate) || gate.experts !== parts.experts.length)
        throw new ValueError(
          `DSelectK: the gate of task '${name}' must be a DSelectKGate over the ${parts.experts.length} experts`,
        );
    }
  }

  /** `experts` MLP experts [inputs, ...hidden], one DSelect-k gate reading x per task, and linear heads or towers. */
  static override build(options: DSelectKOptions): DSelectK {
    checkOptionKeys('DSelectK.build', options, [...EXPERT_OPTIONS, 'k', 'gamma', 'entropyReg']);
    const experts = buildExperts('DSelectK.build', options, 2);
    const { inputs, hidden, rng, dtype, k, gamma, entropyReg } = options;
    if (!Number.isInteger(k) || k < 1 || k > options.experts)
      throw new ValueError(
        `DSelectK.build: k must be an integer in [1, experts = ${options.experts}], got ${k}`,
      );
    const gates: Record<string, DSelectKGate> = {};
    for (const t of options.tasks)
      gates[t.name] = new DSelectKGate(inputs, options.experts, k, { gamma, entropyReg, rng, dtype });
    return new DSelectK({ experts, gates, heads: buildTowers(hidden[hidden.length - 1], options) });
  }

  override gateWeights(name: string, x: Tensor): Tensor {
    return this.gates.modules[name].forward(x);
  }
}

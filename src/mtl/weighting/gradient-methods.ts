/**
 * The stateless gradient-aggregation methods as weightings: thin wrappers over the pure functions
 * in ../aggregators (where each method's formula and normalisation are documented). A method that
 * needs only the Gramian is a {@link GramianMethod} around its GramianWeighting, built (and its
 * options checked) once.
 */
import type { Tensor } from '../../autograd/tensor.js';
import { ValueError } from '../../errors.js';
import { checkNonNegative } from '../../options.js';
import { Rng } from '../../tensor/rng.js';
import { leakOf } from '../aggregators/grad-drop.js';
import { checkBeta } from '../aggregators/grad-vac.js';
import {
  type AlignedMtlOptions,
  aggregate,
  alignedMtlWeighting,
  cagradWeighting,
  conFigWeighting,
  constantWeighting,
  type DualConeOptions,
  dualProjWeighting,
  type ExcessMtlState,
  excessMTL,
  type FairGradOptions,
  fairGradWeighting,
  type GramianWeighting,
  gradDrop,
  gradVacStep,
  gramianOf,
  imtlWeighting,
  type KrumOptions,
  krumWeighting,
  meanWeighting,
  mgdaWeighting,
  moDo,
  nashMtlWeighting,
  pcgrad,
  randomWeighting,
  sdmGrad,
  sumWeighting,
  trimmedMean,
  upgradWeighting,
} from '../aggregators/index.js';
import { combine, dot } from '../aggregators/linalg.js';
import { checkInt } from '../aggregators/rows.js';
import type { GradientWeighting, StepInfo, WeightingInfo } from './types.js';

abstract class Stateless implements GradientWeighting {
  readonly type = 'gradient';
  abstract readonly name: string;
  readonly level: 'parameters' | 'representation' = 'parameters';
  protected weights: number[] = [];
  init(info: WeightingInfo): void {
    this.weights = info.tasks.map(() => 1);
  }
  reset(): void {}
  parameters(): Tensor[] {
    return [];
  }
  lastWeights(): number[] {
    return this.weights.slice();
  }
  /**
   * Aggregates the rows of the tasks present in the batch (`step.present`); an absent task has no
   * gradient, so it gets weight 0 instead of entering the method as a zero row (which would, e.g.,
   * make MGDA's min-norm point 0).
   */
  aggregate(
    J: Float64Array[],
    _losses?: readonly number[],
    step?: StepInfo,
  ): { direction: Float64Array; weights: Float64Array } {
    const present = step?.present;
    const keep = J.map((_, t) => present?.[t] !== false);
    const r = this.solve(J.filter((_, t) => keep[t]));
    const weights = new Float64Array(J.length);
    let k = 0;
    for (let t = 0; t < J.length; t++) if (keep[t]) weights[t] = r.weights[k++];
    this.weights = Array.from(weights);
    return { direction: r.direction, weights };
  }
  protected abstract solve(J: Float64Array[]): { direction: Float64Array; weights: Float64Array };
}

/**
 * A stateless gradient method given by its weights as a function of the Gramian G = JJᵀ: each step
 * aggregates J with `aggregate(J, weighting)`. `new GramianMethod('Mine', {name, weights})` turns a
 * new GramianWeighting into a `fit` weighting.
 */
export class GramianMethod extends Stateless {
  constructor(
    readonly name: string,
    private readonly weighting: GramianWeighting,
  ) {
    super();
  }
  protected solve(J: Float64Array[]) {
    return aggregate(J, this.weighting);
  }
}

/** MGDA's gradient normalisations (LibMTL's `mgda_gn`): each g_t is divided by n_t before the solve. */
export type MgdaNormalization = 'none' | 'l2' | 'loss' | 'loss+';
const MGDA_NORMALIZATIONS: readonly MgdaNormalization[] = ['none', 'l2', 'loss', 'loss+'];

/**
 * MGDA (Sener & Koltun 2018): the min-norm point of the convex hull of the task gradients (weights ≥ 0,
 * sum 1). With `{representation: true}` it is MGDA-UB: the weights are computed from the gradients at
 * the shared representation (cheaper: one trunk backward), then applied to the task losses.
 *
 * `normalize` (LibMTL's `mgda_gn`, default 'none') divides each task gradient by n_t before the solve:
 * 'none' n_t = 1, 'l2' n_t = ‖g_t‖, 'loss' n_t = L_t, 'loss+' n_t = L_t·‖g_t‖. As in LibMTL, the
 * direction is Σ λ_t g_t/n_t with λ the simplex weights of the normalised gradients, so the reported
 * weights are λ_t/n_t. A task with n_t = 0 (a zero gradient, or a loss of 0) enters as a zero row
 * (LibMTL would divide by zero).
 */
export class MGDA extends GramianMethod {
  override readonly level: 'parameters' | 'representation';
  readonly normalize: MgdaNormalization;
  private losses: readonly number[] = [];
  constructor(options: { representation?: boolean; normalize?: MgdaNormalization } = {}) {
    const normalize = options.normalize ?? 'none';
    if (!MGDA_NORMALIZATIONS.includes(normalize)) {
      throw new ValueError(
        `MGDA: normalize must be one of ${MGDA_NORMALIZATIONS.join(', ')}, got ${String(normalize)}`,
      );
    }
    const base = options.representation ? 'MGDA-UB' : 'MGDA';
    super(normalize === 'none' ? base : `${base}(${normalize})`, mgdaWeighting());
    this.level = options.representation ? 'representation' : 'parameters';
    this.normalize = normalize;
  }
  override aggregate(J: Float64Array[], losses?: readonly number[], step?: StepInfo) {
    // solve() sees the rows of the present tasks only; keep their losses in the same order.
    this.losses = (losses ?? J.map(() => 1)).filter((_, t) => step?.present?.[t] !== false);
    return super.aggregate(J, losses, step);
  }
  protected override solve(J: Float64Array[]) {
    if (this.normalize === 'none') return super.solve(J);
    const n = J.map((g, t) => {
      const norm = Math.sqrt(dot(g, g));
      const loss = this.losses[t];
      return this.normalize === 'l2' ? norm : this.normalize === 'loss' ? loss : loss * norm;
    });
    const ok = n.map((v) => Number.isFinite(v) && v > 0);
    const rows = J.map((g, t) => (ok[t] ? g.map((x) => x / n[t]) : new Float64Array(g.length)));
    const r = super.solve(rows);
    const weights = r.weights.map((l, t) => (ok[t] ? l / n[t] : 0));
    return { direction: r.direction, weights };
  }
}

/** A stateless method that draws random numbers: seeded, and reset() restarts the draws. */
abstract class Seeded extends Stateless {
  protected rng: Rng;
  constructor(private readonly seed: number = 0) {
    super();
    this.rng = new Rng(seed);
  }
  /** Restarts the random draws from the seed. */
  override reset(): void {
    this.rng = new Rng(this.seed);
  }
}

/** PCGrad (Yu et al. 2020): project away conflicting components, random order per step (seeded), sum. */
export class PCGrad extends Seeded {
  readonly name = 'PCGrad';
  constructor(options: { seed?: number } = {}) {
    super(options.seed);
  }
  protected solve(J: Float64Array[]) {
    return pcgrad(J, { rng: this.rng });
  }
}

/** CAGrad (Liu et al. 2021) with radius factor c (default 0.5). */
export class CAGrad extends GramianMethod {
  constructor(options: { c?: number; rescale?: 0 | 1 | 2 } = {}) {
    super('CAGrad', cagradWeighting(options));
  }
}

/** IMTL-G (Liu et al. 2021): equal projections of the direction onto every unit task gradient. */
export class IMTL extends GramianMethod {
  constructor() {
    super('IMTL', imtlWeighting());
  }
}

/**
 * Nash-MTL (Navon et al. 2022): the bargaining solution α ⊙ Gα = 1, direction Σ α_t g_t. α scales
 * like 1/‖g‖, so the step would not shrink as the gradients do: the official code clips the shared
 * gradient to norm 1, and so does `fit` by default with this method (its `maxGradNorm`, here 1;
 * `fit({maxGradNorm})` overrides it, 0 disables).
 */
export class NashMTL extends GramianMethod {
  readonly maxGradNorm: number;
  /** `maxNorm` is the deprecated name of `maxGradNorm`. */
  constructor(options: { maxIter?: number; maxGradNorm?: number; maxNorm?: number } = {}) {
    super('NashMTL', nashMtlWeighting({ maxIter: options.maxIter }));
    this.maxGradNorm = options.maxGradNorm ?? options.maxNorm ?? 1;
    if (!(Number.isFinite(this.maxGradNorm) && this.maxGradNorm >= 0))
      throw new ValueError(`NashMTL: maxGradNorm must be a finite number ≥ 0, got ${this.maxGradNorm}`);
  }
}

/**
 * UPGrad (Quinton & Rey 2024, torchjd's recommended default): each task gradient projected onto the
 * dual cone of all of them, the projections averaged; the step conflicts with no task.
 */
export class UPGrad extends GramianMethod {
  constructor(options: DualConeOptions = {}) {
    super('UPGrad', upgradWeighting(options));
  }
}

/** DualProj (Lopez-Paz & Ranzato 2017): the mean gradient projected onto the dual cone of the task gradients. */
export class DualProj extends GramianMethod {
  constructor(options: DualConeOptions = {}) {
    super('DualProj', dualProjWeighting(options));
  }
}

/** Aligned-MTL (Senushkin et al. 2023): orthogonalised gradients of equal norm √λ_min, averaged. */
export class AlignedMTL extends GramianMethod {
  constructor(options: AlignedMtlOptions = {}) {
    super('AlignedMTL', alignedMtlWeighting(options));
  }
}

/** ConFIG (Liu et al. 2025): the direction of equal cosine with every task gradient. */
export class ConFIG extends GramianMethod {
  constructor(options: { pref?: ArrayLike<number> } = {}) {
    super('ConFIG', conFigWeighting(options));
  }
}

/** The mean of the task gradients (torchjd's Mean); the same step as EW / T with T backwards. */
export class Mean extends GramianMethod {
  constructor() {
    super('Mean', meanWeighting());
  }
}

/** The sum of the task gradients (torchjd's Sum); the same step as EW with T backwards. */
export class Sum extends GramianMethod {
  constructor() {
    super('Sum', sumWeighting());
  }
}

/**
 * Fixed weights on the task gradients (torchjd's Constant), one per task in task order; a task absent
 * from a batch drops out with its weight.
 */
export class Constant extends Stateless {
  readonly name = 'Constant';
  private readonly given: Float64Array;
  private present: readonly boolean[] | undefined;
  constructor(weights: ArrayLike<number>) {
    super();
    constantWeighting(weights); // checks the weights once
    this.given = Float64Array.from(weights);
  }
  override aggregate(J: Float64Array[], losses?: readonly number[], step?: StepInfo) {
    this.present = step?.present;
    return super.aggregate(J, losses, step);
  }
  protected solve(J: Float64Array[]) {
    const kept = this.given.filter((_, t) => this.present?.[t] !== false);
    return aggregate(J, constantWeighting(kept));
  }
}

/** Krum (Blanchard et al. 2017): the average of the `selected` task gradients closest to the others. */
export class Krum extends GramianMethod {
  constructor(options: KrumOptions) {
    super('Krum', krumWeighting(options));
  }
}

/**
 * torchjd's Random: softmax(z), z ~ N(0, I) drawn each step (seeded; reset() restarts the draws). The
 * gradient form of RLW, which gives the same step with one backward.
 */
export class Random extends Seeded {
  readonly name = 'Random';
  constructor(options: { seed?: number } = {}) {
    super(options.seed);
  }
  protected solve(J: Float64Array[]) {
    return aggregate(J, randomWeighting(this.rng));
  }
}

/**
 * Coordinate-wise trimmed mean (torchjd's TrimmedMean): drops the `trim` largest and smallest values
 * per coordinate. Row based; its weights are per-task averages over the coordinates (see trimmedMean).
 */
export class TrimmedMean extends Stateless {
  readonly name = 'TrimmedMean';
  constructor(private readonly options: { trim: number }) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new ValueError('TrimmedMean: options {trim} are required');
    }
    checkInt('TrimmedMean', 'trim', options.trim, 0);
  }
  protected solve(J: Float64Array[]) {
    return trimmedMean(J, this.options);
  }
}

/**
 * FairGrad (Ban & Ji 2024): α-fair weights, (Gw)_t = w_t^(−1/α); α = 1 is Nash-MTL's equation. Its
 * step does not shrink with the gradients for α ≤ 1, so, as the official code, `fit` clips the shared
 * gradient to norm `maxGradNorm` (default 1; `fit({maxGradNorm})` overrides it, 0 disables).
 */
export class FairGrad extends GramianMethod {
  readonly maxGradNorm: number;
  constructor(options: FairGradOptions & { maxGradNorm?: number } = {}) {
    super('FairGrad', fairGradWeighting(options));
    this.maxGradNorm = checkNonNegative('FairGrad', 'maxGradNorm', options.maxGradNorm ?? 1);
  }
}

/** The indices of the tasks present in a step (all of them when `present` is absent). */
function presentTasks(T: number, present: readonly boolean[] | undefined): number[] {
  return Array.from({ length: T }, (_, t) => t).filter((t) => present?.[t] !== false);
}

/**
 * GradVac (Wang et al. 2021): raises each pairwise cosine to its running average (EMA rate `beta`,
 * default 0.5 as LibMTL). Stateful: the T×T cosine targets persist between steps (a task absent from a
 * batch keeps its targets); reset() zeroes them and restarts the seeded visiting order.
 */
export class GradVac extends Seeded {
  readonly name = 'GradVac';
  private readonly beta: number;
  private targets: Float64Array[] = [];
  private tasks: number[] = [];
  constructor(options: { beta?: number; seed?: number } = {}) {
    super(options.seed);
    this.beta = checkBeta('GradVac', options.beta ?? 0.5);
  }
  override reset(): void {
    super.reset();
    this.targets = [];
  }
  override aggregate(J: Float64Array[], losses?: readonly number[], step?: StepInfo) {
    if (this.targets.length !== J.length) this.targets = J.map(() => new Float64Array(J.length));
    this.tasks = presentTasks(J.length, step?.present);
    return super.aggregate(J, losses, step);
  }
  protected solve(J: Float64Array[]) {
    const idx = this.tasks;
    const sub = idx.map((i) => Float64Array.from(idx, (j) => this.targets[i][j]));
    const { weights } = gradVacStep(gramianOf(J).G, sub, this.beta, this.rng);
    idx.forEach((i, a) => {
      idx.forEach((j, b) => {
        this.targets[i][j] = sub[a][b];
      });
    });
    return { direction: combine(J, weights), weights };
  }
}

/**
 * GradDrop (Chen et al. 2020): per coordinate, keeps the gradients of one sign, + with probability of
 * its share (seeded; reset() restarts the draws). `leak` (default 0): one number, or one per task.
 * Its weights are per-task averages of the mask over the coordinates (see gradDrop).
 */
export class GradDrop extends Seeded {
  readonly name = 'GradDrop';
  private readonly leak: number | Float64Array;
  private tasks: number[] = [];
  constructor(options: { leak?: number | ArrayLike<number>; seed?: number } = {}) {
    super(options.seed);
    const leak = options.leak ?? 0;
    this.leak = typeof leak === 'number' ? leakOf(leak, 1)[0] : leakOf(leak, leak?.length);
  }
  override aggregate(J: Float64Array[], losses?: readonly number[], step?: StepInfo) {
    if (typeof this.leak !== 'number' && this.leak.length !== J.length) {
      throw new ValueError(
        `GradDrop: ${this.leak.length} leak values given, but there are ${J.length} tasks`,
      );
    }
    this.tasks = presentTasks(J.length, step?.present);
    return super.aggregate(J, losses, step);
  }
  protected solve(J: Float64Array[]) {
    const leak = this.leak;
    return gradDrop(J, {
      rng: this.rng,
      leak: typeof leak === 'number' ? leak : this.tasks.map((t) => leak[t]),
    });
  }
}

/**
 * A stateful method that sees every row, an absent task's being zero (so its state stays meaningful
 * across batches); it reports weight 0 for the tasks absent from the batch.
 */
abstract class AllRows extends Stateless {
  override aggregate(J: Float64Array[], _losses?: readonly number[], step?: StepInfo) {
    const r = this.solve(J);
    const weights = r.weights.map((w, t) => (step?.present?.[t] === false ? 0 : w));
    this.weights = Array.from(weights);
    return { direction: r.direction, weights };
  }
}

/**
 * ExcessMTL (He et al. 2024): weights grow with each task's excess risk, estimated by an AdaGrad
 * model of its gradients (step size `stepSize`, default 1e-2 as LibMTL). Stateful: reset() clears the
 * accumulators and the weights.
 */
export class ExcessMTL extends AllRows {
  readonly name = 'ExcessMTL';
  private readonly stepSize: number;
  private state: ExcessMtlState | undefined;
  constructor(options: { stepSize?: number } = {}) {
    super();
    this.stepSize = checkNonNegative('ExcessMTL', 'stepSize', options.stepSize ?? 1e-2);
  }
  /** Forgets the state carried between steps (as at construction). */
  override reset(): void {
    this.state = undefined;
  }
  protected solve(J: Float64Array[]) {
    const r = excessMTL(J, { stepSize: this.stepSize, state: this.state });
    this.state = r.state;
    return r;
  }
}

/**
 * MoDo (Chen et al. 2023): one projected step on MGDA's dual weights λ per batch (γ = 1e-3, ρ = 0.1 as
 * LibMTL); with one batch per step the update uses that batch three times. reset() restores λ = 1/T.
 */
export class MoDo extends AllRows {
  readonly name = 'MoDo';
  private readonly gamma: number;
  private readonly rho: number;
  private lambda: Float64Array | undefined;
  constructor(options: { gamma?: number; rho?: number } = {}) {
    super();
    this.gamma = checkNonNegative('MoDo', 'gamma', options.gamma ?? 1e-3);
    this.rho = checkNonNegative('MoDo', 'rho', options.rho ?? 0.1);
  }
  /** Forgets the state carried between steps (as at construction). */
  override reset(): void {
    this.lambda = undefined;
  }
  protected solve(J: Float64Array[]) {
    const r = moDo(J, { gamma: this.gamma, rho: this.rho, lambda: this.lambda });
    this.lambda = r.weights;
    return r;
  }
}

/**
 * SDMGrad (Xiao et al. 2023): MGDA's dual regularised toward the mean gradient (λ = 0.3, 20 inner
 * iterations as LibMTL), warm-started from the last step's weights; reset() restores w = 1/T.
 */
export class SDMGrad extends AllRows {
  readonly name = 'SDMGrad';
  private readonly lambda: number;
  private readonly iterations: number;
  private w: Float64Array | undefined;
  constructor(options: { lambda?: number; iterations?: number } = {}) {
    super();
    this.lambda = checkNonNegative('SDMGrad', 'lambda', options.lambda ?? 0.3);
    this.iterations = checkInt('SDMGrad', 'iterations', options.iterations ?? 20, 0);
  }
  /** Forgets the state carried between steps (as at construction). */
  override reset(): void {
    this.w = undefined;
  }
  protected solve(J: Float64Array[]) {
    const r = sdmGrad(J, { lambda: this.lambda, iterations: this.iterations, simplexWeights: this.w });
    this.w = r.simplexWeights;
    return r;
  }
}

/**
 * The one list of names: weighting methods (constructor, a one-line description and the options
 * each takes, checked by weighting-options.ts), and per task
 * kind its losses and metrics (the table lives in tasks.ts, beside the specs it checks, so that
 * the core reads it without depending on the weightings). The CLI's help and parsing read it here.
 */
import { ValueError } from '../errors.js';
import { closest } from '../options.js';
import { AutoLambda } from './weighting/auto-lambda.js';
import { CRMOGM } from './weighting/cr-mogm.js';
import { DBMTL } from './weighting/db-mtl.js';
import { DWA } from './weighting/dwa.js';
import { EW } from './weighting/ew.js';
import { FAMO } from './weighting/famo.js';
import { GLS } from './weighting/gls.js';
import {
  AlignedMTL,
  CAGrad,
  ConFIG,
  Constant,
  DualProj,
  ExcessMTL,
  FairGrad,
  GradDrop,
  GradVac,
  IMTL,
  Krum,
  Mean,
  MGDA,
  MoDo,
  NashMTL,
  PCGrad,
  Random,
  SDMGrad,
  Sum,
  TrimmedMean,
  UPGrad,
} from './weighting/gradient-methods.js';
import { GradNorm } from './weighting/gradnorm.js';
import { IMTLFull, IMTLL } from './weighting/imtl-l.js';
import { MoCo } from './weighting/moco.js';
import { RLW } from './weighting/rlw.js';
import { STCH } from './weighting/stch.js';
import type { Weighting } from './weighting/types.js';
import { UW } from './weighting/uw.js';
import {
  checkWeightingOptions,
  parseWeightingSpec,
  type WeightingOptionSpec,
  type WeightingOptionValues,
} from './weighting-options.js';

/** A weighting method's entry in {@link WEIGHTINGS}. */
export interface WeightingEntry {
  /**
   * A new instance; `seed` seeds the methods that draw random numbers, the other keys are the
   * method's `options`, already checked (absent ones take the method's defaults).
   */
  create(options: { seed?: number } & WeightingOptionValues): Weighting;
  /** One line for help texts. */
  description: string;
  /** The options the method takes (`name:key=value,...`); none when absent. */
  options?: Readonly<Record<string, WeightingOptionSpec>>;
  /** A spec that builds it (for methods with required options), e.g. `krum:byzantine=0,selected=2`. */
  example?: string;
}

/** Weighting methods by their short (CLI) name, in the order help texts list them. */
export const WEIGHTINGS = {
  ew: { description: 'equal weights (the static weights of the task specs)', create: () => new EW() },
  uw: {
    description: 'uncertainty weighting, learned log-variances (Kendall et al. 2018)',
    create: () => new UW(),
  },
  dwa: {
    description: 'dynamic weight average of the loss ratios (Liu et al. 2019)',
    create: () => new DWA(),
  },
  gradnorm: {
    description: 'balances the task gradient norms (Chen et al. 2018)',
    create: () => new GradNorm(),
  },
  pcgrad: {
    description: 'projects away conflicting gradients (Yu et al. 2020)',
    create: ({ seed }) => new PCGrad({ seed }),
  },
  mgda: {
    description: 'min-norm point of the task gradients (Sener & Koltun 2018)',
    create: () => new MGDA(),
  },
  'mgda-ub': {
    description: 'MGDA on the gradients at the shared representation',
    create: () => new MGDA({ representation: true }),
  },
  'mgda-l2': {
    description: 'MGDA on unit task gradients g/‖g‖ (LibMTL mgda_gn l2)',
    create: () => new MGDA({ normalize: 'l2' }),
  },
  'mgda-loss': {
    description: 'MGDA on the task gradients divided by their losses (LibMTL mgda_gn loss)',
    create: () => new MGDA({ normalize: 'loss' }),
  },
  'mgda-loss+': {
    description: 'MGDA on g/(L·‖g‖) (LibMTL mgda_gn loss+)',
    create: () => new MGDA({ normalize: 'loss+' }),
  },
  cagrad: { description: 'conflict-averse gradient descent (Liu et al. 2021)', create: () => new CAGrad() },
  imtl: { description: 'impartial MTL, equal projections (Liu et al. 2021)', create: () => new IMTL() },
  nash: { description: 'Nash-MTL bargaining solution (Navon et al. 2022)', create: () => new NashMTL() },
  famo: { description: 'fast adaptive multitask optimisation (Liu et al. 2023)', create: () => new FAMO() },
  rlw: { description: 'random loss weighting (Lin et al. 2022)', create: ({ seed }) => new RLW({ seed }) },
  upgrad: {
    description: 'dual-cone projections averaged: conflicts with no task (Quinton & Rey 2024)',
    create: () => new UPGrad(),
  },
  dualproj: {
    description: 'mean gradient projected onto the dual cone (Lopez-Paz & Ranzato 2017)',
    create: () => new DualProj(),
  },
  'aligned-mtl': {
    description: 'orthogonalised gradients of equal norm (Senushkin et al. 2023)',
    create: () => new AlignedMTL(),
  },
  config: {
    description: 'conflict-free inverse gradients, equal cosines (Liu et al. 2025)',
    create: () => new ConFIG(),
  },
  mean: { description: 'mean of the task gradients (the Jacobian form of ew / T)', create: () => new Mean() },
  sum: { description: 'sum of the task gradients (the Jacobian form of ew)', create: () => new Sum() },
  random: {
    description: 'softmax of normal draws on the task gradients (the Jacobian form of rlw)',
    create: ({ seed }) => new Random({ seed }),
  },
  gls: {
    description: 'geometric mean of the task losses (Chennupati et al. 2019)',
    create: () => new GLS(),
  },
  stch: {
    description: 'smooth Tchebycheff: smooth max of nadir-normalised log losses (Lin et al. 2024)',
    create: () => new STCH(),
  },
  'db-mtl': {
    description: 'log losses, EMA gradients rescaled to the largest norm (Lin et al. 2023)',
    create: () => new DBMTL(),
  },
  moco: {
    description: 'tracked task gradients, bias-corrected MGDA weights (Fernando et al. 2023)',
    create: () => new MoCo(),
  },
  'imtl-l': {
    description: 'learned loss scales e^s·L − s (IMTL-L, Liu et al. 2021)',
    create: () => new IMTLL(),
  },
  'imtl-full': {
    description: 'IMTL-L loss scales with IMTL-G on their gradients (Liu et al. 2021)',
    create: () => new IMTLFull(),
  },
  'cr-mogm': {
    description: 'MGDA with its weights averaged over steps, EMA decay 0.9 (Zhou et al. 2022)',
    create: () => new CRMOGM(new MGDA()),
  },
  'auto-lambda': {
    description: 'task weights learned by a one-step lookahead on validation batches (Liu et al. 2022)',
    create: () => new AutoLambda(),
  },
  constant: {
    description: 'fixed weights on the task gradients (torchjd Constant)',
    options: { weights: { kind: 'numbers', required: true, description: 'one weight per task' } },
    example: 'constant:weights=1,1,1',
    create: (o) => new Constant(o.weights as number[]),
  },
  krum: {
    description: 'mean of the gradients nearest the others, Byzantine-robust (Blanchard et al. 2017)',
    options: {
      byzantine: { kind: 'integer', min: 0, required: true, description: 'f, rows that may be adversarial' },
      selected: { kind: 'integer', min: 1, description: 'm, rows averaged (default 1)' },
    },
    example: 'krum:byzantine=0,selected=2',
    create: (o) => new Krum({ byzantine: o.byzantine as number, selected: o.selected as number | undefined }),
  },
  trimmedmean: {
    description: 'coordinate-wise mean without the trim largest and smallest (Yin et al. 2018)',
    options: { trim: { kind: 'integer', min: 0, required: true, description: 'values dropped at each end' } },
    example: 'trimmedmean:trim=1',
    create: (o) => new TrimmedMean({ trim: o.trim as number }),
  },
  fairgrad: {
    description: 'alpha-fair weights, (Gw)_t = w_t^(-1/alpha) (Ban & Ji 2024)',
    options: {
      alpha: { kind: 'number', min: 0, exclusive: true, description: 'fairness (default 1, Nash-MTL)' },
      maxGradNorm: { kind: 'number', min: 0, description: 'gradient clip (default 1, 0 disables)' },
    },
    create: (o) =>
      new FairGrad({
        alpha: o.alpha as number | undefined,
        maxGradNorm: o.maxGradNorm as number | undefined,
      }),
  },
  gradvac: {
    description: 'raises pairwise gradient cosines to their running average (Wang et al. 2021)',
    options: {
      beta: { kind: 'number', min: 0, max: 1, description: 'EMA rate of the targets (default 0.5)' },
    },
    create: (o) => new GradVac({ beta: o.beta as number | undefined, seed: o.seed }),
  },
  graddrop: {
    description: 'keeps one gradient sign per coordinate, at random (Chen et al. 2020)',
    options: {
      leak: { kind: 'numbers', min: 0, max: 1, description: 'one leak, or one per task (default 0)' },
    },
    create: (o) => {
      const leak = o.leak as number[] | undefined;
      return new GradDrop({ leak: leak?.length === 1 ? leak[0] : leak, seed: o.seed });
    },
  },
  'excess-mtl': {
    description: "weights follow each task's estimated excess risk (He et al. 2024)",
    options: { stepSize: { kind: 'number', min: 0, description: 'weight step size (default 0.01)' } },
    create: (o) => new ExcessMTL({ stepSize: o.stepSize as number | undefined }),
  },
  modo: {
    description: "one projected step on MGDA's weights per batch (Chen et al. 2023)",
    options: {
      gamma: { kind: 'number', min: 0, description: 'step size of the weights (default 0.001)' },
      rho: { kind: 'number', min: 0, description: 'their L2 regularisation (default 0.1)' },
    },
    create: (o) => new MoDo({ gamma: o.gamma as number | undefined, rho: o.rho as number | undefined }),
  },
  sdmgrad: {
    description: 'MGDA regularised toward the mean gradient (Xiao et al. 2023)',
    options: {
      lambda: { kind: 'number', min: 0, description: 'pull toward the mean (default 0.3)' },
      iterations: { kind: 'integer', min: 0, description: 'inner iterations (default 20)' },
    },
    create: (o) =>
      new SDMGrad({ lambda: o.lambda as number | undefined, iterations: o.iterations as number | undefined }),
  },
} as const satisfies Record<string, WeightingEntry>;

/** The short (CLI) name of a weighting method. */
export type WeightingName = keyof typeof WEIGHTINGS;
/** The weighting methods' short names, in the order help texts list them. */
export const WEIGHTING_NAMES = Object.keys(WEIGHTINGS) as WeightingName[];

/**
 * A weighting method by its short name, optionally with options in the name (`'krum:byzantine=1'`,
 * syntax in weighting-options.ts) or in `options` (`{byzantine: 1}`), checked against the method's
 * option specs; `seed` seeds the methods that draw random numbers. Every problem is a ValueError
 * naming the method and the option, with a did-you-mean for an unknown name or key.
 */
export function createWeighting(
  spec: string,
  options: { seed?: number } & Readonly<Record<string, unknown>> = {},
): Weighting {
  const { name, options: inSpec } = parseWeightingSpec(spec);
  if (!Object.hasOwn(WEIGHTINGS, name)) {
    const c = closest(name, WEIGHTING_NAMES);
    throw new ValueError(
      `unknown weighting '${name}'${c ? ` (did you mean '${c}'?)` : ''}; choose one of ${WEIGHTING_NAMES.join(', ')}`,
    );
  }
  const entry: WeightingEntry = WEIGHTINGS[name as WeightingName];
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValueError(
      `weighting '${name}': options must be an object such as {seed: 1}, got ${String(options)}`,
    );
  }
  const { seed, ...rest } = options;
  for (const key of Object.keys(inSpec)) {
    if (rest[key] !== undefined) throw new ValueError(`weighting '${name}': option '${key}' given twice`);
  }
  if (seed !== undefined && !Number.isFinite(seed)) {
    throw new ValueError(`weighting '${name}': seed must be a finite number, got ${String(seed)}`);
  }
  return entry.create({ ...checkWeightingOptions(name, entry.options, { ...rest, ...inSpec }), seed });
}

/** Per task kind, its losses and default metrics (defined next to the task specs). */
export { TASK_KIND_NAMES, TASK_KINDS, type TaskKindEntry } from './tasks.js';

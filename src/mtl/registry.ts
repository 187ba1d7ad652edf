/**
 * The one list of names: weighting methods (constructor and a one-line description), and per task
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
  DualProj,
  IMTL,
  Mean,
  MGDA,
  NashMTL,
  PCGrad,
  Random,
  Sum,
  UPGrad,
} from './weighting/gradient-methods.js';
import { GradNorm } from './weighting/gradnorm.js';
import { IMTLFull, IMTLL } from './weighting/imtl-l.js';
import { MoCo } from './weighting/moco.js';
import { RLW } from './weighting/rlw.js';
import { STCH } from './weighting/stch.js';
import type { Weighting } from './weighting/types.js';
import { UW } from './weighting/uw.js';

export interface WeightingEntry {
  /** A new instance with the method's defaults; `seed` seeds the methods that draw random numbers. */
  create(options: { seed?: number }): Weighting;
  /** One line for help texts. */
  description: string;
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
} as const satisfies Record<string, WeightingEntry>;

export type WeightingName = keyof typeof WEIGHTINGS;
export const WEIGHTING_NAMES = Object.keys(WEIGHTINGS) as WeightingName[];

/** A weighting method by its short name (ValueError with a did-you-mean for an unknown one). */
export function createWeighting(name: string, options: { seed?: number } = {}): Weighting {
  if (!Object.hasOwn(WEIGHTINGS, name)) {
    const c = closest(name, WEIGHTING_NAMES);
    throw new ValueError(
      `unknown weighting '${name}'${c ? ` (did you mean '${c}'?)` : ''}; choose one of ${WEIGHTING_NAMES.join(', ')}`,
    );
  }
  return WEIGHTINGS[name as WeightingName].create(options);
}

/** Per task kind, its losses and default metrics (defined next to the task specs). */
export { TASK_KIND_NAMES, TASK_KINDS, type TaskKindEntry } from './tasks.js';

/**
 * The architectures a saved model can name: for each, its `--arch` name, the options it reads, how to build it
 * from settings, and its parameter count computed from the settings alone (so a file whose metadata describes a
 * huge network is refused before anything is allocated). The CLI's help, its validation and the model-config
 * parser all read this table.
 */

import type { Rng } from '../tensor/rng.js';
import { HardSharing, MMoE, type MultiTaskModel } from './architectures.js';
import { CrossStitch } from './cross-stitch.js';
import { DSelectK } from './dselect-k.js';
import { CGC, PLE } from './ple.js';
import { outputWidth, type TaskSpec } from './tasks.js';

/** Architecture names as saved in a model config (`hard-sharing` is the format's original name). */
export const ARCHITECTURE_NAMES = [
  'hard-sharing',
  'mmoe',
  'cgc',
  'ple',
  'cross-stitch',
  'dselect-k',
] as const;
export type ArchitectureName = (typeof ARCHITECTURE_NAMES)[number];

/** The integer options some architectures read (CLI flags --experts, --task-experts, --levels, --k). */
export const ARCH_OPTIONS = ['experts', 'taskExperts', 'levels', 'k'] as const;
export type ArchOption = (typeof ARCH_OPTIONS)[number];

/** What an architecture is built from: the shared settings and its own options. */
export interface ArchSettings {
  inputs: number;
  tasks: readonly TaskSpec[];
  /** Trunk, column or expert layer sizes. */
  hidden: readonly number[];
  /** Hidden sizes of every task tower ([]: linear heads). */
  tower: readonly number[];
  activation: 'relu' | 'tanh' | 'gelu' | 'leakyRelu' | 'sigmoid' | 'softplus';
  experts?: number;
  taskExperts?: number;
  levels?: number;
  k?: number;
}

export interface ArchEntry {
  /** The `--arch` value. */
  cli: string;
  /** One line for the help text. */
  description: string;
  /** The options it reads, each with its smallest allowed value. */
  options: Partial<Record<ArchOption, number>>;
  build(s: Required<ArchSettings>, rng: Rng): MultiTaskModel;
  parameters(s: Required<ArchSettings>): number;
}

/** Weights and biases of Linear layers of sizes [s0, s1, …]. */
function mlpCount(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < sizes.length; i++) n += sizes[i] * sizes[i + 1] + sizes[i + 1];
  return n;
}

/** Every task's head or tower reading `width` features. */
function towerCount(s: ArchSettings, width: number): number {
  return s.tasks.reduce((n, t) => n + mlpCount([width, ...s.tower, outputWidth(t)]), 0);
}

const last = (s: ArchSettings) => s.hidden[s.hidden.length - 1];

/** CGC (levels = 1) and PLE: experts and gates of each level, the shared gates below the last, the towers. */
function extractionCount(s: Required<ArchSettings>, levels: number): number {
  const T = s.tasks.length;
  const S = s.experts;
  const K = s.taskExperts;
  let n = towerCount(s, last(s));
  for (let l = 0; l < levels; l++) {
    const w = l === 0 ? s.inputs : last(s);
    n += (S + T * K) * mlpCount([w, ...s.hidden]) + T * mlpCount([w, K + S]);
    if (l < levels - 1) n += mlpCount([w, T * K + S]);
  }
  return n;
}

const common = (s: ArchSettings, rng: Rng) => ({
  inputs: s.inputs,
  tasks: s.tasks,
  activation: s.activation,
  towerHidden: s.tower,
  rng,
});

export const ARCHITECTURES: Record<ArchitectureName, ArchEntry> = {
  'hard-sharing': {
    cli: 'hard',
    description: 'one shared trunk (--hidden), one head per task',
    options: {},
    build: (s, rng) => HardSharing.build({ ...common(s, rng), hidden: s.hidden }),
    parameters: (s) => mlpCount([s.inputs, ...s.hidden]) + towerCount(s, last(s)),
  },
  mmoe: {
    cli: 'mmoe',
    description: 'MMoE: --experts shared experts (--hidden), a softmax gate per task',
    options: { experts: 1 },
    build: (s, rng) => MMoE.build({ ...common(s, rng), hidden: s.hidden, experts: s.experts }),
    parameters: (s) =>
      s.experts * mlpCount([s.inputs, ...s.hidden]) +
      s.tasks.length * mlpCount([s.inputs, s.experts]) +
      towerCount(s, last(s)),
  },
  cgc: {
    cli: 'cgc',
    description: 'CGC: --experts shared and --task-experts per task, gated per task',
    options: { experts: 1, taskExperts: 0 },
    build: (s, rng) =>
      CGC.build({
        ...common(s, rng),
        sharedExperts: s.experts,
        taskExperts: s.taskExperts,
        expertHidden: s.hidden,
      }),
    parameters: (s) => extractionCount(s, 1),
  },
  ple: {
    cli: 'ple',
    description: 'PLE: CGC layers stacked --levels deep',
    options: { experts: 1, taskExperts: 0, levels: 1 },
    build: (s, rng) =>
      PLE.build({
        ...common(s, rng),
        sharedExperts: s.experts,
        taskExperts: s.taskExperts,
        expertHidden: s.hidden,
        levels: s.levels,
      }),
    parameters: (s) => extractionCount(s, s.levels),
  },
  'cross-stitch': {
    cli: 'cross-stitch',
    description: 'cross-stitch: one trunk (--hidden) per task, mixed after every layer',
    options: {},
    build: (s, rng) => CrossStitch.build({ ...common(s, rng), hidden: s.hidden }),
    parameters: (s) => {
      const T = s.tasks.length;
      return T * mlpCount([s.inputs, ...s.hidden]) + s.hidden.length * T * T + towerCount(s, last(s));
    },
  },
  'dselect-k': {
    cli: 'dselect-k',
    description: 'DSelect-k: --experts shared experts, each task gate selects --k of them',
    options: { experts: 2, k: 1 },
    build: (s, rng) => DSelectK.build({ ...common(s, rng), hidden: s.hidden, experts: s.experts, k: s.k }),
    parameters: (s) => {
      const m = Math.ceil(Math.log2(s.experts));
      const gate = mlpCount([s.inputs, s.k * m]) + mlpCount([s.inputs, s.k]);
      return s.experts * mlpCount([s.inputs, ...s.hidden]) + s.tasks.length * gate + towerCount(s, last(s));
    },
  },
};

/** The architecture whose `--arch` value is `cli`, or undefined. */
export function architectureOfCli(cli: string): ArchitectureName | undefined {
  return ARCHITECTURE_NAMES.find((a) => ARCHITECTURES[a].cli === cli);
}

/** Settings with 0 for the options an architecture does not read (they are never used then). */
export function fullSettings(s: ArchSettings): Required<ArchSettings> {
  return {
    ...s,
    experts: s.experts ?? 0,
    taskExperts: s.taskExperts ?? 0,
    levels: s.levels ?? 0,
    k: s.k ?? 0,
  };
}

/** Every experiment the runner knows, by name: `npm run experiment -- <name>`. */
import type { Experiment } from '../demo/common.js';
import { conflict } from '../demo/conflict.js';
import { imbalance } from '../demo/imbalance.js';
import { lambdaChoice } from '../demo/lambda.js';
import { learningCurve } from '../demo/learning-curve.js';
import { allMethods, methods } from '../demo/methods.js';
import { mmoeSyntheticExperiment } from './mmoe-synthetic.js';

export const EXPERIMENTS: readonly Experiment<unknown>[] = [
  learningCurve,
  lambdaChoice,
  methods,
  conflict,
  imbalance,
  mmoeSyntheticExperiment,
  allMethods,
] as Experiment<unknown>[];

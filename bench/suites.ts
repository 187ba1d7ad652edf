/**
 * The suite registry: `npm run bench` runs these in order; `--filter NAME` picks by name.
 *
 * Extension point: a suite is one file exporting a `Suite` (see harness.ts): add the file, then
 * append it here.
 */
import { elementwiseSuite } from './elementwise.js';
import type { Suite } from './harness.js';
import { linearSuite } from './linear.js';
import { loadTableSuite } from './load-table.js';
import { matmulSuite } from './matmul.js';
import { methodCostSuite } from './method-cost.js';
import { mtlScalingSuite } from './mtl-scaling.js';
import { trainStepSuite } from './train-step.js';

export const suites: readonly Suite[] = [
  matmulSuite,
  linearSuite,
  elementwiseSuite,
  trainStepSuite,
  mtlScalingSuite,
  methodCostSuite,
  loadTableSuite,
];

/** Every hostile-input case, by area. */
import type { HostileCase } from './classify.js';
import { fileCases } from './file-cases.js';
import { modelCases } from './model-cases.js';
import { mtlCases } from './mtl-cases.js';
import { tensorCases } from './tensor-cases.js';

export const CASES: HostileCase[] = [...tensorCases, ...modelCases, ...mtlCases, ...fileCases];

/**
 * Checks shared by the stochastic methods (MoDo, SDMGrad) whose state is a weight vector and whose
 * updates may use extra Jacobians from independent batches.
 */
import { ShapeError, ValueError } from '../../errors.js';
import { toRows } from './rows.js';
import type { GradientMatrix } from './types.js';

/** T finite numbers, copied (1/T each by default). */
export function checkVector(fnName: string, name: string, given: ArrayLike<number> | undefined, T: number) {
  if (given === undefined) return new Float64Array(T).fill(1 / T);
  if (given === null || typeof given !== 'object' || given.length !== T) {
    throw new ValueError(`${fnName}: ${name} must hold ${T} numbers (one per task), got ${String(given)}`);
  }
  return Float64Array.from(given, (v, t) => {
    if (!(typeof v === 'number' && Number.isFinite(v))) {
      throw new ValueError(`${fnName}: ${name}[${t}] is ${String(v)}; must be a finite number`);
    }
    return v;
  });
}

/** Validates the two extra samples: same shape as J. */
export function samePair(
  fnName: string,
  pair: readonly [GradientMatrix, GradientMatrix],
  rows: readonly Float64Array[],
): [Float64Array[], Float64Array[]] {
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new ValueError(`${fnName}: pair must be two Jacobians [J1, J2]`);
  }
  const out = pair.map((M, k) => {
    const r = toRows(M, `${fnName} (pair[${k}])`);
    if (r.length !== rows.length || r[0].length !== rows[0].length) {
      throw new ShapeError(
        `${fnName}: pair[${k}] is [${r.length}, ${r[0].length}], but J is [${rows.length}, ${rows[0].length}]`,
      );
    }
    return r;
  });
  return [out[0], out[1]];
}

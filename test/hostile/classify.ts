/**
 * The outcome classes of a hostile input, and the classifier the sweep script and the test suite
 * share: a case either throws one of our named errors, returns a result its own check accepts, or
 * fails in one of the ways the reliability issue counts (silent wrong result, raw crash, lost data,
 * unclear message; a hang is detected by the sweep script's timeout).
 */
import { MtlgradError } from '../../src/errors.js';

export type Outcome =
  | 'named error'
  | 'handled'
  | 'silent wrong'
  | 'raw crash'
  | 'hang'
  | 'lost data'
  | 'unclear';

export const GOOD_OUTCOMES: readonly Outcome[] = ['named error', 'handled'];

export interface HostileCase {
  /** `area: what is tried`. */
  id: string;
  run: () => unknown;
  /** When the case returns, its result is right only if this holds (no check: returning is wrong). */
  ok?: (result: unknown) => boolean;
  /** A named error must have a message matching this, or it counts as unclear. */
  message?: RegExp;
  /** Data that must survive the case (checked after it returns or throws). */
  intact?: () => boolean;
}

export interface Classified {
  outcome: Outcome;
  detail: string;
}

/** Runs one case and classifies what happened. */
export async function classify(c: HostileCase): Promise<Classified> {
  let result: unknown;
  let error: unknown;
  let threw = false;
  try {
    result = await c.run();
  } catch (err) {
    threw = true;
    error = err;
  }
  if (c.intact !== undefined && !c.intact())
    return { outcome: 'lost data', detail: describe(threw, result, error) };
  if (!threw) {
    const ok = c.ok?.(result) === true;
    return { outcome: ok ? 'handled' : 'silent wrong', detail: describe(false, result, undefined) };
  }
  if (!(error instanceof MtlgradError))
    return { outcome: 'raw crash', detail: describe(true, undefined, error) };
  if (c.message !== undefined && !c.message.test(error.message))
    return { outcome: 'unclear', detail: describe(true, undefined, error) };
  return { outcome: 'named error', detail: describe(true, undefined, error) };
}

function describe(threw: boolean, result: unknown, error: unknown): string {
  if (threw) return error instanceof Error ? `${error.name}: ${error.message}` : `threw ${String(error)}`;
  let shown: string;
  try {
    shown = JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  } catch {
    shown = String(result);
  }
  return `returned ${shown === undefined ? 'undefined' : shown.slice(0, 200)}`;
}

import { ValueError } from '../../errors.js';

/** A checked copy of a preference vector (finite entries), or null when none is given. */
export function checkedPref(fn: string, pref: ArrayLike<number> | undefined): Float64Array | null {
  if (pref === undefined) return null;
  if (pref === null || typeof pref !== 'object' || typeof pref.length !== 'number') {
    throw new ValueError(`${fn}: pref must be an array of numbers, got ${String(pref)}`);
  }
  const p = Float64Array.from(pref);
  p.forEach((v, t) => {
    if (!Number.isFinite(v)) throw new ValueError(`${fn}: pref[${t}] is ${v}; must be finite`);
  });
  return p;
}

/** The preference for T tasks: `pref` (its length checked against T) or `fallback` each. */
export function preference(fn: string, pref: Float64Array | null, T: number, fallback: number): Float64Array {
  if (pref === null) return new Float64Array(T).fill(fallback);
  if (pref.length !== T) {
    throw new ValueError(`${fn}: pref has length ${pref.length}, but J has ${T} rows (tasks)`);
  }
  return pref;
}

/**
 * Options of the weighting methods by name: the `name:key=value,...` syntax the CLI's `--weighting`
 * and `createWeighting` accept, and the checks every option gets (known key, kind, range), so that
 * `krum:byzantin=1` or `fairgrad:alpha=NaN` fail with a message that names the method and the option.
 *
 * Syntax: the method's name, then optionally `:` and comma-separated `key=value` pairs. A value is a
 * number; a list option takes several, the commas after the first continuing the list until the
 * next `key=`: `constant:weights=1,2`, `krum:byzantine=1,selected=2`, `fairgrad:alpha=0.5`.
 */
import { ValueError } from '../errors.js';
import { closest } from '../options.js';

/** One option of a weighting method. */
export interface WeightingOptionSpec {
  /** 'number': a finite number; 'integer': a whole number; 'numbers': one or more finite numbers. */
  readonly kind: 'number' | 'integer' | 'numbers';
  /** Smallest allowed value (each entry, for 'numbers'); with `exclusive`, a bound it must exceed. */
  readonly min?: number;
  readonly exclusive?: boolean;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** The method has no default for it. */
  readonly required?: boolean;
  /** What it is and its default, for help texts. */
  readonly description: string;
}

/** Checked option values, by key. */
export type WeightingOptionValues = Record<string, number | number[] | undefined>;

/** Splits `name:key=value,...` into the lower-case name and the raw option values. */
export function parseWeightingSpec(text: string): { name: string; options: WeightingOptionValues } {
  if (typeof text !== 'string') {
    throw new ValueError(`weighting: the method must be a name such as 'upgrad', got ${String(text)}`);
  }
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase();
  const options: WeightingOptionValues = {};
  if (colon < 0) return { name, options };
  const rest = text.slice(colon + 1);
  if (rest.trim() === '') {
    throw new ValueError(`weighting '${name}': expected key=value after ':', e.g. ${name}:key=1`);
  }
  let key: string | undefined;
  for (const token of rest.split(',')) {
    const eq = token.indexOf('=');
    if (eq >= 0) {
      key = token.slice(0, eq).trim();
      if (key === '') throw new ValueError(`weighting '${name}': '${token}' has no option name before '='`);
      if (Object.hasOwn(options, key))
        throw new ValueError(`weighting '${name}': option '${key}' given twice`);
      options[key] = parseValue(name, key, token.slice(eq + 1));
    } else if (key === undefined) {
      throw new ValueError(`weighting '${name}': '${token}' is not key=value (e.g. ${name}:key=1)`);
    } else {
      const prev = options[key] as number | number[];
      options[key] = [...(Array.isArray(prev) ? prev : [prev]), parseValue(name, key, token)];
    }
  }
  return { name, options };
}

function parseValue(name: string, key: string, text: string): number {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) {
    throw new ValueError(`weighting '${name}': ${key} must be a finite number, got '${t}'`);
  }
  return v;
}

/**
 * Checks `given` against a method's option specs: known keys (with a did-you-mean), kinds, ranges,
 * required ones present. Returns the values, a single number for a list option made a list.
 */
export function checkWeightingOptions(
  name: string,
  specs: Readonly<Record<string, WeightingOptionSpec>> | undefined,
  given: Readonly<Record<string, unknown>>,
): WeightingOptionValues {
  const allowed = Object.keys(specs ?? {});
  const out: WeightingOptionValues = {};
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    const spec = specs && Object.hasOwn(specs, key) ? specs[key] : undefined;
    if (spec === undefined) {
      if (allowed.length === 0) throw new ValueError(`weighting '${name}' takes no options, got '${key}'`);
      const c = closest(key, allowed);
      throw new ValueError(
        `weighting '${name}': unknown option '${key}'${c ? ` (did you mean '${c}'?)` : ''}; options are: ${allowed.join(', ')}`,
      );
    }
    out[key] = checkValue(name, key, spec, value);
  }
  for (const key of allowed) {
    if (specs?.[key].required && out[key] === undefined) {
      throw new ValueError(`weighting '${name}': option '${key}' is required (${specs[key].description})`);
    }
  }
  return out;
}

function checkValue(name: string, key: string, spec: WeightingOptionSpec, value: unknown): number | number[] {
  const list = spec.kind === 'numbers';
  const values = list && Array.isArray(value) ? value : [value];
  if (values.length === 0 || (!list && Array.isArray(value))) {
    throw new ValueError(`weighting '${name}': ${key} must be ${expected(spec)}, got [${String(value)}]`);
  }
  for (const v of values) {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (spec.kind !== 'integer' || Number.isInteger(v)) &&
      (spec.min === undefined || (spec.exclusive ? v > spec.min : v >= spec.min)) &&
      (spec.max === undefined || v <= spec.max);
    if (!ok) throw new ValueError(`weighting '${name}': ${key} must be ${expected(spec)}, got ${String(v)}`);
  }
  return list ? (values as number[]) : (values[0] as number);
}

/** The allowed values in words: `a number > 0`, `whole numbers in [0, 1]`. */
export function expected(spec: WeightingOptionSpec): string {
  const what = { number: 'a number', integer: 'a whole number', numbers: 'numbers' }[spec.kind];
  const { min, max } = spec;
  if (min !== undefined && max !== undefined)
    return `${what} in ${spec.exclusive ? '(' : '['}${min}, ${max}]`;
  if (min !== undefined) return `${what} ${spec.exclusive ? '>' : '≥'} ${min}`;
  return max === undefined ? what : `${what} ≤ ${max}`;
}

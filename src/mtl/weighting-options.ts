/**
 * Options of the weighting methods by name: the `name:key=value,...` syntax the CLI's `--weighting`
 * and `createWeighting` accept, and the checks every option gets (known key, kind, range), so that
 * `krum:byzantin=1` or `fairgrad:alpha=NaN` fail with a message that names the method and the option.
 *
 * Syntax: the method's name, then optionally `:` and comma-separated `key=value` pairs. A value is a
 * number or, for a choice option, a word; a list option takes several, the commas after the first
 * continuing the list until the next `key=`: `constant:weights=1,2`, `krum:byzantine=1,selected=2`,
 * `fairgrad:alpha=0.5`. The text is split first and each value read by its option's kind.
 */
import { ValueError } from '../errors.js';
import { closest } from '../options.js';

/** One option of a weighting method. */
export interface WeightingOptionSpec {
  /**
   * 'number': a finite number; 'integer': a whole number; 'numbers': one or more finite numbers;
   * 'choice': one of `choices`.
   */
  readonly kind: 'number' | 'integer' | 'numbers' | 'choice';
  /** The allowed words of a 'choice' option. */
  readonly choices?: readonly string[];
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
export type WeightingOptionValues = Record<string, number | number[] | string | undefined>;

/** Splits `name:key=value,...` into the lower-case name and the option texts (lists for repeated commas). */
export function parseWeightingSpec(text: string): {
  name: string;
  options: Record<string, string | string[]>;
} {
  if (typeof text !== 'string') {
    throw new ValueError(`weighting: the method must be a name such as 'upgrad', got ${String(text)}`);
  }
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim().toLowerCase();
  const options: Record<string, string | string[]> = {};
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
      options[key] = token.slice(eq + 1).trim();
    } else if (key === undefined) {
      throw new ValueError(`weighting '${name}': '${token}' is not key=value (e.g. ${name}:key=1)`);
    } else {
      options[key] = [...[options[key]].flat(), token.trim()];
    }
  }
  return { name, options };
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

function checkValue(
  name: string,
  key: string,
  spec: WeightingOptionSpec,
  value: unknown,
): number | number[] | string {
  const list = spec.kind === 'numbers';
  const values = Array.isArray(value) ? value : [value];
  const bad = (v: unknown): never => {
    const shown = typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${String(v)}]` : String(v);
    throw new ValueError(`weighting '${name}': ${key} must be ${expected(spec)}, got ${shown}`);
  };
  if (values.length === 0 || (!list && Array.isArray(value))) bad(value);
  if (spec.kind === 'choice') {
    const choices = spec.choices ?? [];
    if (typeof value === 'string' && choices.includes(value)) return value;
    const c = typeof value === 'string' ? closest(value, choices) : undefined;
    if (c !== undefined) {
      throw new ValueError(
        `weighting '${name}': ${key} must be ${expected(spec)}, got '${value}' (did you mean '${c}'?)`,
      );
    }
    return bad(value);
  }
  const numbers = values.map((v) => {
    // Text from `name:key=value` is read here, by the option's kind; numbers pass as they are.
    const x = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    const ok =
      typeof x === 'number' &&
      Number.isFinite(x) &&
      (spec.kind !== 'integer' || Number.isInteger(x)) &&
      (spec.min === undefined || (spec.exclusive ? x > spec.min : x >= spec.min)) &&
      (spec.max === undefined || x <= spec.max);
    return ok ? (x as number) : bad(v);
  });
  return list ? numbers : numbers[0];
}

/** The allowed values in words: `a number > 0`, `whole numbers in [0, 1]`. */
export function expected(spec: WeightingOptionSpec): string {
  if (spec.kind === 'choice') return `one of ${(spec.choices ?? []).join(', ')}`;
  const what = { number: 'a number', integer: 'a whole number', numbers: 'numbers' }[spec.kind];
  const { min, max } = spec;
  if (min !== undefined && max !== undefined)
    return `${what} in ${spec.exclusive ? '(' : '['}${min}, ${max}]`;
  if (min !== undefined) return `${what} ${spec.exclusive ? '>' : '≥'} ${min}`;
  return max === undefined ? what : `${what} ≤ ${max}`;
}

/**
 * Command-line argument parsing: `--flag value`, `--flag=value`, boolean switches, repeatable
 * flags, and the value parsers shared by the commands (numbers, comma-separated lists). Every
 * mistake is a {@link UsageError} with a one-line message; an unknown flag suggests the closest
 * known one.
 */

import { ValueError } from '../../errors.js';
import { createWeighting, WEIGHTING_NAMES } from '../../mtl/registry.js';
import { closest } from '../../options.js';
import { UsageError } from './errors.js';

/** How one flag is read. */
export interface FlagSpec {
  /** `string` takes a value; `boolean` is a switch. */
  type: 'string' | 'boolean';
  /** May be given several times (values are collected in order). */
  repeatable?: boolean;
}

/** Parsed flags: string values (arrays for repeatable flags) and switches. */
export interface ParsedArgs {
  values: Map<string, string[]>;
  switches: Set<string>;
  /** `--help` or `-h` was given. */
  help: boolean;
}

/**
 * Parses `argv` (without the command word) against `specs` (flag names without dashes).
 * `--help`/`-h` are always accepted. Positional arguments are rejected.
 *
 * @throws UsageError for an unknown flag, a missing value, a value given to a switch, a
 *   non-repeatable flag given twice, or a positional argument.
 */
export function parseArgs(
  argv: readonly string[],
  specs: Record<string, FlagSpec>,
  command: string,
): ParsedArgs {
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        throw new UsageError(`${command}: unknown option '${arg}'${suggest(arg, Object.keys(specs))}`);
      }
      throw new UsageError(
        `${command}: unexpected argument '${arg}' (options are written --name value; run 'mtlgrad ${command} --help')`,
      );
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) {
      throw new UsageError(
        `${command}: unknown option '--${name}'${suggest(`--${name}`, Object.keys(specs))}`,
      );
    }
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`${command}: --${name} is a switch and takes no value`);
      switches.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`${command}: --${name} needs a value`);
      }
      value = next;
      i++;
    }
    const list = values.get(name);
    if (list === undefined) values.set(name, [value]);
    else if (spec.repeatable) list.push(value);
    else throw new UsageError(`${command}: --${name} is given more than once`);
  }
  return { values, switches, help };
}

/** The single value of a flag, or undefined. */
export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}

/** The value of a required flag. */
export function required(args: ParsedArgs, name: string, command: string, hint: string): string {
  const v = flagValue(args, name);
  if (v === undefined) throw new UsageError(`${command}: --${name} is required (${hint})`);
  return v;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal number (no hex, no `Infinity`, no empty string). */
function parseDecimal(text: string, flag: string, what: string): number {
  const s = text.trim();
  const v = NUMBER_RE.test(s) ? Number(s) : Number.NaN;
  if (!Number.isFinite(v)) throw new UsageError(`--${flag} must be ${what}, got '${text}'`);
  return v;
}

/** An integer ≥ `min`. */
export function parseInteger(text: string, flag: string, min: number): number {
  const what = min === 1 ? 'a positive integer' : min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`;
  const v = parseDecimal(text, flag, what);
  if (!Number.isSafeInteger(v) || v < min) throw new UsageError(`--${flag} must be ${what}, got '${text}'`);
  return v;
}

/** Any integer (e.g. a seed). */
export function parseAnyInteger(text: string, flag: string): number {
  const v = parseDecimal(text, flag, 'an integer');
  if (!Number.isSafeInteger(v)) throw new UsageError(`--${flag} must be an integer, got '${text}'`);
  return v;
}

/** A finite number with bounds: `> lo` (or `≥ lo` when `loInclusive`), `< hi` when given. */
export function parseNumber(
  text: string,
  flag: string,
  bounds: { lo: number; loInclusive: boolean; hi?: number },
): number {
  const range =
    bounds.hi !== undefined
      ? `a number in ${bounds.loInclusive ? '[' : '('}${bounds.lo}, ${bounds.hi})`
      : bounds.loInclusive
        ? `a number ≥ ${bounds.lo}`
        : `a number > ${bounds.lo}`;
  const v = parseDecimal(text, flag, range);
  const okLo = bounds.loInclusive ? v >= bounds.lo : v > bounds.lo;
  const okHi = bounds.hi === undefined || v < bounds.hi;
  if (!okLo || !okHi) throw new UsageError(`--${flag} must be ${range}, got '${text}'`);
  return v;
}

/**
 * Splits a comma-separated list. An item may be wrapped in double quotes to hold commas
 * (`"a,b",c`; `""` inside quotes is one quote). Whitespace around unquoted items is removed.
 *
 * @throws UsageError for an empty item or an unterminated quote.
 */
export function splitList(text: string, flag: string): string[] {
  const items: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && text[i] === ' ') i++;
    let item: string;
    if (text[i] === '"') {
      let j = i + 1;
      item = '';
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new UsageError(`--${flag}: unterminated '"' in '${text}'`);
        item += text.slice(j, q);
        if (text[q + 1] === '"') {
          item += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      while (i < n && text[i] === ' ') i++;
      if (i < n && text[i] !== ',') {
        throw new UsageError(`--${flag}: unexpected text after a quoted name in '${text}'`);
      }
    } else {
      const c = text.indexOf(',', i);
      const end = c < 0 ? n : c;
      item = text.slice(i, end).trim();
      i = end;
    }
    if (item === '') throw new UsageError(`--${flag}: empty name in the list '${text}'`);
    items.push(item);
    if (i >= n) break;
    i++; // the comma
    if (i >= n) throw new UsageError(`--${flag}: empty name in the list '${text}'`);
  }
  return items;
}

/** `; did you mean '--x'?` for a mistyped flag (candidates are flag names without dashes). */
function suggest(flag: string, names: readonly string[]): string {
  const c = closest(flag.replace(/^-+/, ''), [...names, 'help']);
  return c === undefined ? '; run with --help to list the options' : `; did you mean '--${c}'?`;
}

/**
 * A `--weighting` value: a method name with optional `:key=value,...` options
 * (`krum:byzantine=1,selected=2`), checked now (name, option keys, kinds and ranges) so that a typo
 * fails before any data is read. Returns the text; `createWeighting` reads it again at training.
 */
export function parseWeighting(text: string, flag: string): string {
  const name = text.split(':')[0].trim().toLowerCase();
  if (!(WEIGHTING_NAMES as readonly string[]).includes(name)) {
    const c = closest(name, WEIGHTING_NAMES);
    throw new UsageError(
      `--${flag}: unknown value '${name}'${c ? ` (did you mean '${c}'?)` : ''}; choose one of ${WEIGHTING_NAMES.join(', ')}`,
    );
  }
  try {
    createWeighting(text);
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(`--${flag}: ${e.message}`);
    throw e;
  }
  return text;
}

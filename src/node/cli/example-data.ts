/**
 * `mtlgrad example-data penguins`: writes the bundled Palmer Penguins table as CSV, so the
 * README's command-line example runs without downloading anything.
 */
import { formatCsv, parseCsv } from '../../data/csv.js';
import { penguinsCsv } from '../../data/penguins.js';
import { type FlagSpec, flagValue, parseArgs, parseInteger } from './args.js';
import { UsageError } from './errors.js';
import type { CliIO } from './io.js';

export const EXAMPLE_DATA_FLAGS: Record<string, FlagSpec> = {
  rows: { type: 'string' },
  'without-labels': { type: 'boolean' },
};

/** The data sets `example-data` can write. */
export const EXAMPLE_DATA_SETS = ['penguins'] as const;

/** Columns the README's example predicts; `--without-labels` drops them to make prediction input. */
export const PENGUIN_LABEL_COLUMNS = ['Species', 'Sex', 'Body Mass (g)'] as const;

/**
 * Runs `mtlgrad example-data NAME [--rows N] [--without-labels]`: the CSV goes to `io.stdout`.
 *
 * @throws UsageError for a missing or unknown data set name or a bad flag.
 */
export function exampleDataCommand(argv: readonly string[], io: CliIO, help: () => string): number {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    io.stdout.write(help());
    return 0;
  }
  if (name === undefined || name.startsWith('-')) {
    throw new UsageError(
      `example-data: name the data set first (one of: ${EXAMPLE_DATA_SETS.join(', ')}), e.g. mtlgrad example-data penguins > penguins.csv`,
    );
  }
  if (name !== 'penguins') {
    throw new UsageError(
      `example-data: unknown data set '${name}'; available: ${EXAMPLE_DATA_SETS.join(', ')}`,
    );
  }
  const args = parseArgs(rest, EXAMPLE_DATA_FLAGS, 'example-data');
  if (args.help) {
    io.stdout.write(help());
    return 0;
  }
  const { header, rows } = parseCsv(penguinsCsv());
  const rowsFlag = flagValue(args, 'rows');
  const picked = rowsFlag === undefined ? rows : spread(rows, parseInteger(rowsFlag, 'rows', 1));
  const keep = args.switches.has('without-labels')
    ? header.map((_, j) => j).filter((j) => !(PENGUIN_LABEL_COLUMNS as readonly string[]).includes(header[j]))
    : header.map((_, j) => j);
  io.stdout.write(
    formatCsv(
      keep.map((j) => header[j]),
      picked.map((r) => keep.map((j) => r[j])),
    ),
  );
  return 0;
}

/**
 * `n` rows spread evenly over `rows` (all of them when `n` is at least their number). The table
 * is sorted by species, so its first rows alone would hold one species only.
 */
function spread<T>(rows: readonly T[], n: number): T[] {
  if (n >= rows.length) return rows.slice();
  return Array.from({ length: n }, (_, i) => rows[Math.floor((i * rows.length) / n)]);
}

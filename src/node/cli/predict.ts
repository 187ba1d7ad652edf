/**
 * `mtlgrad predict`: rebuild a model saved by `mtlgrad train --save`, apply its saved
 * preprocessing to new rows, and print (or write) one prediction per usable row.
 */
import { resolve } from 'node:path';
import { formatCsv } from '../../data/csv.js';
import type { ModelConfig } from '../../model/config.js';
import type { RowPrediction } from '../../model/decode.js';
import type { SkippedRow } from '../../model/encode.js';
import { modelFromSafetensors, predictSource, type SavedModel } from '../../model/saved-model.js';
import { formatNumber } from '../../report/format.js';
import { readFileBytes, writeFileAtomic } from '../fs.js';
import { type FlagSpec, flagValue, parseArgs, required } from './args.js';
import { parseDialect, type RowSource, readRows, resolveColumn } from './data.js';
import { DataError, UsageError } from './errors.js';
import { type CliIO, refuseOutputOntoInput, textTable, toJson } from './io.js';

export const PREDICT_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  output: { type: 'string' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
  probabilities: { type: 'boolean' },
};

/**
 * Loads a model file written by `mtlgrad train --save`; messages name `path` as the user wrote it.
 *
 * @throws FileError if it cannot be read; FormatError if it is not a valid safetensors file, has
 *   no (or an invalid) mtlgrad config, or its weights do not fit the config.
 */
export async function loadModelFile(path: string, cwd: string): Promise<SavedModel> {
  return modelFromSafetensors(await readFileBytes(resolve(cwd, path)), path);
}

/**
 * Header of the prediction table / CSV (without the error column): per task its label and the label's
 * probability, or with `all` (--probabilities) its label and one `<task> P(<class>)` column per class.
 */
function predictionColumns(config: ModelConfig, all: boolean): string[] {
  const cols: string[] = [];
  for (const t of config.tasks) {
    cols.push(t.name);
    if (t.classes === undefined) continue;
    if (all) cols.push(...t.classes.map((c) => `${t.name} P(${c})`));
    else cols.push(`${t.name} probability`);
  }
  return cols;
}

function predictionCells(
  config: ModelConfig,
  p: RowPrediction,
  format: (v: number) => string,
  all: boolean,
): string[] {
  const cells: string[] = [];
  for (const t of config.tasks) {
    const tp = p.tasks[t.name];
    if ('value' in tp) cells.push(format(tp.value));
    else if (all) cells.push(tp.label, ...(t.classes as string[]).map((c) => format(tp.probabilities[c])));
    else cells.push(tp.label, format(tp.probability));
  }
  return cells;
}

/** The CSV written by --output: every input row, predicted or with the reason it was not. */
export function predictionsCsv(
  config: ModelConfig,
  source: RowSource,
  predictions: readonly RowPrediction[],
  skipped: readonly SkippedRow[],
  all = false,
): string {
  const columns = predictionColumns(config, all);
  const header = ['row', ...(source.format === 'csv' ? ['line'] : []), ...columns, 'error'];
  const byRow = new Map<number, string[]>();
  const blank = columns.map(() => '');
  const lead = (r: { row: number; line?: number }) => [
    String(r.row),
    ...(r.line === undefined ? [] : [String(r.line)]),
  ];
  for (const p of predictions) byRow.set(p.row, [...lead(p), ...predictionCells(config, p, String, all), '']);
  for (const s of skipped) byRow.set(s.row, [...lead(s), ...blank, s.reason]);
  const rows = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([, cells]) => cells);
  return formatCsv(header, rows);
}

function rowLabel(r: { row: number; line?: number }): string {
  return r.line === undefined ? `row ${r.row}` : `row ${r.row} (line ${r.line})`;
}

/** `mtlgrad predict ARGS`: returns the exit status. */
export async function predictCommand(
  argv: readonly string[],
  io: CliIO,
  help: () => string,
): Promise<number> {
  const args = parseArgs(argv, PREDICT_FLAGS, 'predict');
  if (args.help) {
    io.stdout.write(help());
    return 0;
  }
  const modelPath = required(args, 'model', 'predict', 'the file written by mtlgrad train --save');
  const dataPath = required(args, 'data', 'predict', 'the CSV or JSON rows to predict');
  const output = flagValue(args, 'output');
  if (output === '') throw new UsageError('--output needs a file name');
  const json = args.switches.has('json');
  const all = args.switches.has('probabilities');
  const dialect = parseDialect(flagValue(args, 'delimiter'), flagValue(args, 'decimal'));
  if (output !== undefined) {
    const inputs = [
      { flag: 'model', path: modelPath },
      { flag: 'data', path: dataPath },
    ];
    await refuseOutputOntoInput({ flag: 'output', path: output }, inputs, io.cwd);
  }

  const loaded = await loadModelFile(modelPath, io.cwd);
  const source = await readRows(dataPath, io.cwd, dialect);
  const { predictions, skipped } = predictSource(loaded, source, (f) =>
    resolveColumn(source, f, 'a feature of the model'),
  );
  if (predictions.length === 0) {
    const sample = skipped
      .slice(0, 3)
      .map((s) => `${rowLabel(s)}: ${s.reason}`)
      .join('; ');
    throw new DataError(
      `${dataPath}: none of the ${source.n} rows can be predicted (${sample}${skipped.length > 3 ? '; ...' : ''})`,
    );
  }
  if (output !== undefined) {
    const csv = predictionsCsv(loaded.config, source, predictions, skipped, all);
    await writeFileAtomic(resolve(io.cwd, output), new TextEncoder().encode(csv));
  }

  const config = loaded.config;
  if (json) {
    const model = {
      file: modelPath,
      features: config.features,
      tasks: config.tasks.map((t) =>
        t.classes ? { name: t.name, kind: t.kind, classes: t.classes } : { name: t.name, kind: t.kind },
      ),
    };
    io.stdout.write(`${toJson({ predictions, skipped, model })}\n`);
    return 0;
  }
  let out = '';
  if (output === undefined) {
    const header = ['row', ...predictionColumns(config, all)];
    const body = predictions.map((p) => [String(p.row), ...predictionCells(config, p, formatNumber, all)]);
    out += textTable(header, body);
  } else {
    out += `Wrote predictions for ${predictions.length} of ${source.n} rows to ${output}\n`;
  }
  if (skipped.length > 0) {
    out += `\n${skipped.length} row${skipped.length === 1 ? '' : 's'} could not be predicted:\n`;
    out += skipped.map((s) => `  ${rowLabel(s)}: ${s.reason}\n`).join('');
  }
  io.stdout.write(out);
  return 0;
}

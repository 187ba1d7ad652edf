import { describe, expect, it } from 'vitest';
import { csvRows } from '../../src/data/row-source.js';
import { CellError } from '../../src/errors.js';
import { cellProblem, type RowSource, resolveColumn } from '../../src/node/cli/data.js';
import { DataError } from '../../src/node/cli/errors.js';

const source = Object.assign(csvRows('Mass,noise level\n1,2\n'), { path: 'in.csv' }) as RowSource;

describe('CLI data helpers', () => {
  it('resolveColumn matches up to case and names the flag and file otherwise', () => {
    expect(resolveColumn(source, 'mass', '--features')).toBe('Mass');
    expect(() => resolveColumn(source, 'noise', '--task')).toThrow(
      /^in\.csv: unknown column "noise" \(--task\)\. Did you mean "noise level"\? Available columns: "Mass", "noise level"$/,
    );
    expect(() => resolveColumn(source, 'zzz', '--task')).toThrow(DataError);
  });

  it('cellProblem adds the --categorical hint only for a numeric feature that holds text', () => {
    const info = { column: 'color', row: 4, unit: 'line' as const, value: 'red', expected: 'a number' };
    const err = new CellError('loadTable', info, 'library hint');
    const feature = cellProblem(err, 'in.csv', ['color']);
    expect(feature.message).toBe(
      'in.csv: column "color", line 4: value "red" is not a number. If the column holds categories, add it to --categorical to one-hot encode it',
    );
    expect(cellProblem(err, 'in.csv', ['other']).message).toBe(
      'in.csv: column "color", line 4: value "red" is not a number',
    );
  });
});

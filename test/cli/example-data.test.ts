import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/data/csv.js';
import { penguinsRows } from '../../src/data/penguins.js';
import { run, tempDir } from './helpers.js';

const COLUMNS = [
  'Species',
  'Island',
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
  'Sex',
];

describe('mtlgrad example-data', () => {
  it('writes the whole penguins table as CSV, values as in the source', async () => {
    const r = await run(['example-data', 'penguins']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const { header, rows } = parseCsv(r.stdout);
    expect(header).toEqual(COLUMNS);
    expect(rows).toHaveLength(344);
    // The first and fourth rows of the source (vega-datasets penguins.json): a complete row and
    // a row without any measurement or sex.
    expect(rows[0]).toEqual(['Adelie', 'Torgersen', '39.1', '18.7', '181', '3750', 'MALE']);
    expect(rows[3]).toEqual(['Adelie', 'Torgersen', '', '', '', '', '']);
    const source = penguinsRows();
    rows.forEach((row, i) => {
      const expected = COLUMNS.map((c) => {
        const v = source[i][c as keyof (typeof source)[number]];
        return v === null ? '' : String(v);
      });
      expect(row, `row ${i + 1}`).toEqual(expected);
    });
  });

  it('--rows N spreads the rows over the table, so every species appears', async () => {
    const r = await run(['example-data', 'penguins', '--rows', '5']);
    expect(r.code).toBe(0);
    const { rows } = parseCsv(r.stdout);
    // floor(i·344/5) for i = 0..4
    const source = penguinsRows();
    expect(rows.map((row) => row[0])).toEqual([0, 68, 137, 206, 275].map((i) => source[i].Species));
    expect(new Set(rows.map((row) => row[0]))).toEqual(new Set(['Adelie', 'Chinstrap', 'Gentoo']));
    const all = parseCsv((await run(['example-data', 'penguins', '--rows', '1000'])).stdout);
    expect(all.rows).toHaveLength(344);
  });

  it('--without-labels keeps only the feature columns', async () => {
    const r = await run(['example-data', 'penguins', '--without-labels', '--rows', '3']);
    expect(r.code).toBe(0);
    const { header, rows } = parseCsv(r.stdout);
    expect(header).toEqual(['Island', 'Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)']);
    expect(rows[0]).toEqual(['Torgersen', '39.1', '18.7', '181']);
  });

  it('the written files train and predict (the README example, shortened)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'penguins.csv'), (await run(['example-data', 'penguins'])).stdout);
      const fresh = await run(['example-data', 'penguins', '--rows', '4', '--without-labels']);
      writeFileSync(join(dir, 'new.csv'), fresh.stdout);
      const train = await run(
        [
          'train',
          '--data',
          'penguins.csv',
          '--features',
          'Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Island',
          '--categorical',
          'Island',
          '--task',
          'Species:classification',
          '--task',
          'Sex:binary',
          '--task',
          'Body Mass (g):regression',
          '--hidden',
          '16',
          '--epochs',
          '20',
          '--lr',
          '0.01',
          '--save',
          'model.safetensors',
          '--json',
        ],
        { cwd: dir },
      );
      expect(train.code, train.stderr).toBe(0);
      expect(JSON.parse(train.stdout).rows.train + JSON.parse(train.stdout).rows.test).toBe(342);
      const predict = await run(['predict', '--model', 'model.safetensors', '--data', 'new.csv', '--json'], {
        cwd: dir,
      });
      expect(predict.code, predict.stderr).toBe(0);
      expect(JSON.parse(predict.stdout).predictions).toHaveLength(4);
    } finally {
      cleanup();
    }
  });

  it('explains mistakes and has help', async () => {
    const missing = await run(['example-data']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^mtlgrad: example-data: name the data set first \(one of: penguins\)/);
    const unknown = await run(['example-data', 'iris']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown data set 'iris'; available: penguins");
    const rows = await run(['example-data', 'penguins', '--rows', '0']);
    expect(rows.code).toBe(2);
    expect(rows.stderr).toContain("--rows must be a positive integer, got '0'");
    const flag = await run(['example-data', 'penguins', '--row', '3']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--row'");
    const help = await run(['example-data', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mtlgrad example-data penguins/);
    expect((await run(['help', 'example-data'])).stdout).toBe(help.stdout);
    expect((await run(['example-data', 'penguins', '-h'])).stdout).toBe(help.stdout);
    expect((await run(['--help'])).stdout).toContain('mtlgrad example-data penguins > penguins.csv');
  });
});

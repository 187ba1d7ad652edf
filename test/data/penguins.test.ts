import { describe, expect, it } from 'vitest';
import { PENGUIN_COLUMNS, parseCsv, penguinsCsv, penguinsRows } from '../../src/data/index.js';

function count<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

describe('penguins', () => {
  const rows = penguinsRows();

  it("has 344 rows with the source's keys", () => {
    expect(rows).toHaveLength(344);
    for (const r of rows) expect(Object.keys(r)).toEqual([...PENGUIN_COLUMNS]);
  });

  it('has the documented species, island, sex and missing counts', () => {
    expect(count(rows, (r) => r.Species)).toEqual({ Adelie: 152, Chinstrap: 68, Gentoo: 124 });
    expect(count(rows, (r) => r.Island)).toEqual({ Biscoe: 168, Dream: 124, Torgersen: 52 });
    expect(count(rows, (r) => String(r.Sex))).toEqual({ MALE: 168, FEMALE: 165, null: 10, '.': 1 });
    for (const c of [
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Flipper Length (mm)',
      'Body Mass (g)',
    ] as const) {
      expect(rows.filter((r) => r[c] === null)).toHaveLength(2);
    }
    expect(rows[336].Sex).toBe('.');
    expect(rows[3]['Body Mass (g)']).toBeNull();
  });

  it('returns fresh objects on every call', () => {
    const a = penguinsRows();
    a[0].Sex = null;
    expect(penguinsRows()[0].Sex).toBe('MALE');
  });

  it('penguinsCsv parses to the same table', () => {
    const csv = parseCsv(penguinsCsv());
    expect(csv.header).toEqual([...PENGUIN_COLUMNS]);
    expect(csv.rows).toHaveLength(344);
    expect(csv.rows[0]).toEqual(['Adelie', 'Torgersen', '39.1', '18.7', '181', '3750', 'MALE']);
    expect(csv.rows[3]).toEqual(['Adelie', 'Torgersen', '', '', '', '', '']);
  });
});

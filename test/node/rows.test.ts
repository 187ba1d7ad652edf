import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRows, type RowSource } from '../../src/data/row-source.js';
import { FormatError } from '../../src/errors.js';
import { FileError, readCsvFile } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mtlgrad-rows-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function cells(src: RowSource): unknown[][] {
  return Array.from({ length: src.n }, (_, r) => [src.position(r), ...src.columns.map((c) => src.get(r, c))]);
}

describe('readCsvFile', () => {
  it('reads a file of several chunks exactly as csvRows reads its text', async () => {
    // ~1.6 MB: records and two-byte characters straddle the 1 MiB chunk boundaries.
    const lines = ['name,x,note'];
    for (let i = 0; i < 30_000; i++) {
      lines.push(
        i % 7 === 0
          ? `"é${i}\r\nnext",${i / 4},"a ""q"""`
          : `é${i % 13},${i % 11 === 0 ? 'NA' : i * 0.5},${'plain'.repeat(9)}`,
      );
    }
    const text = `\uFEFF${lines.join('\r\n')}\r\n`;
    const path = file('big.csv', text);
    const streamed = await readCsvFile(path);
    const whole = csvRows(text);
    expect(streamed.n).toBe(30_000);
    expect(JSON.stringify(cells(streamed))).toBe(JSON.stringify(cells(whole)));
  });

  it('stops at maxRows, and names the file in messages', async () => {
    const path = file('rows.csv', 'a,b\n1,2\n3,4\n5\n');
    expect((await readCsvFile(path, { maxRows: 2 })).n).toBe(2);
    await expect(readCsvFile(path, {}, 'rows.csv')).rejects.toThrow(/^rows\.csv: line 4: 1 field/);
  });

  it('rejects empty, non-UTF-8 and missing files with named errors', async () => {
    await expect(readCsvFile(file('empty.csv', ' \n\n'))).rejects.toThrow(/the file is empty/);
    await expect(readCsvFile(file('latin1.csv', new Uint8Array([0x61, 0x0a, 0xe9, 0x0a])))).rejects.toThrow(
      FormatError,
    );
    await expect(readCsvFile(join(dir, 'absent.csv'))).rejects.toThrow(FileError);
  });
});

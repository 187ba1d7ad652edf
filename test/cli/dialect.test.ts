import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as errors from '../../src/errors.js';
import { parseDialect, readRows } from '../../src/node/cli/data.js';
import { describeError, UsageError } from '../../src/node/cli/errors.js';
import { run, tempDir } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** Writes `rows` joined by `delimiter` to `name` in the temporary directory. */
function write(name: string, rows: string[][], delimiter: string): string {
  writeFileSync(join(dir, name), `${rows.map((r) => r.join(delimiter)).join('\n')}\n`);
  return name;
}

// anes96-like: tab separated, numeric codes.
const anes = [
  ['popul', 'TVnews', 'vote'],
  ['0.0', '7', '1'],
  ['190.0', '1', '0'],
  ['31.0', '7', '1'],
  ['83.0', '4', '0'],
];
// fair-like with a European decimal comma: semicolon separated.
const fair = [
  ['rate_marriage', 'age', 'affairs'],
  ['3,0', '32,0', '0,111'],
  ['3,0', '27,0', '3,231'],
  ['4,0', '22,5', '1,4'],
];

describe('reading delimiters and decimal commas', () => {
  it('detects tab, semicolon and pipe, and reads .tsv as tabs', async () => {
    write('anes.txt', anes, '\t');
    write('pipe.csv', anes, '|');
    write('anes.tsv', anes, '\t');
    for (const name of ['anes.txt', 'pipe.csv', 'anes.tsv']) {
      const src = await readRows(name, dir);
      expect(src.columns).toEqual(['popul', 'TVnews', 'vote']);
      expect(Array.from(src.column('popul').numbers)).toEqual([0, 190, 31, 83]);
    }
  });

  it('reads decimal commas with --decimal , (hand-written values)', async () => {
    write('fair.csv', fair, ';');
    const src = await readRows('fair.csv', dir, parseDialect(undefined, ','));
    expect(src.delimiter).toBe(';');
    expect(Array.from(src.column('age').numbers)).toEqual([32, 27, 22.5]);
    expect(Array.from(src.column('affairs').numbers)).toEqual([0.111, 3.231, 1.4]);
  });

  it('uses --delimiter over detection, accepting tab and \\t', async () => {
    expect(parseDialect('tab', undefined).delimiter).toBe('\t');
    expect(parseDialect('\\t', undefined).delimiter).toBe('\t');
    expect(parseDialect(';', '.')).toEqual({ delimiter: ';', decimal: '.' });
    expect(() => parseDialect(';;', undefined)).toThrow(UsageError);
    expect(() => parseDialect(undefined, ';')).toThrow(/--decimal must be '.' or ','/);
    const src = await readRows(write('forced.txt', anes, '\t'), dir, parseDialect(',', undefined));
    expect(src.columns).toEqual(['popul\tTVnews\tvote']);
  });

  it('refuses a decimal comma with a comma delimiter', async () => {
    write('comma.csv', anes, ',');
    await expect(readRows('comma.csv', dir, parseDialect(undefined, ','))).rejects.toThrow(
      /--decimal , needs a delimiter other than a comma/,
    );
  });
});

describe('train with other delimiters', () => {
  const fast = ['--hidden', '4', '--epochs', '2', '--test-split', '0', '--quiet'];

  it('trains on a tab-separated file as it comes', async () => {
    write('train.txt', anes, '\t');
    const r = await run(
      ['train', '--data', 'train.txt', '--features', 'popul,TVnews', '--task', 'vote:binary', ...fast],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Network: 2 inputs -> 4 \(relu\) -> 1 head;/);
  });

  it('says a column name holds a likely delimiter and names the flag', async () => {
    write('wrong.txt', anes, '\t');
    const r = await run(
      [
        'train',
        '--data',
        'wrong.txt',
        '--delimiter',
        ',',
        '--features',
        'popul',
        '--task',
        'vote:binary',
        ...fast,
      ],
      { cwd: dir },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/column name "popul\\tTVnews\\tvote" contains a tab.*try --delimiter tab/);
  });

  it('suggests --decimal for a decimal-comma cell', async () => {
    write('dec.csv', fair, ';');
    const args = [
      'train',
      '--data',
      'dec.csv',
      '--features',
      'rate_marriage,age',
      '--task',
      'affairs:regression',
      ...fast,
    ];
    const bad = await run(args, { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /value "3,0" is not a number\. If the file writes decimal commas, add --decimal ,/,
    );
    const good = await run([...args, '--decimal', ','], { cwd: dir });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  it('reads a space-separated file with --delimiter " "', async () => {
    write('space.txt', anes, ' ');
    const src = await readRows('space.txt', dir, parseDialect(' ', undefined));
    expect(Array.from(src.column('TVnews').numbers)).toEqual([7, 1, 7, 4]);
  });

  it('names the --delimiter flag for rows longer than a one-column header', async () => {
    writeFileSync(join(dir, 'ragged.csv'), 'a;b\n1,2,3\n');
    const r = await run(['train', '--data', 'ragged.csv', '--features', 'a', '--task', 'b:binary'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /has 1 column; the file may use another delimiter than ',': give it with --delimiter/,
    );
  });
});

describe('messages use the command line words', () => {
  it('a binary task with three labels names --task, not library options', async () => {
    write(
      'three.csv',
      [
        ['x', 'y'],
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'c'],
      ],
      ',',
    );
    const r = await run(['train', '--data', 'three.csv', '--features', 'x', '--task', 'y:binary'], {
      cwd: dir,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Use --task NAME:classification, or leave the extra values empty/);
    expect(r.stderr).not.toMatch(/missingValues|kind:/);
  });

  it('a one-feature network says "1 input"', async () => {
    write(
      'one.csv',
      [
        ['x', 'y'],
        ['1', 'a'],
        ['2', 'b'],
        ['3', 'a'],
        ['4', 'b'],
      ],
      ',',
    );
    const r = await run(
      [
        'train',
        '--data',
        'one.csv',
        '--features',
        'x',
        '--task',
        'y:binary',
        '--hidden',
        '2',
        '--epochs',
        '1',
        '--test-split',
        '0',
        '--quiet',
      ],
      { cwd: dir },
    );
    expect(r.stdout).toMatch(/Network: 1 input -> 2 \(relu\) -> 1 head;/);
  });
});

it('a too long safetensors header does not tell the user to raise an option', () => {
  const { FormatError } = errors;
  const line = describeError(
    new FormatError(
      'safetensors: header length 9 exceeds the limit of 8 bytes (corrupt file, or raise maxHeaderBytes)',
    ),
  ).line;
  expect(line).toBe(
    'mtlgrad: safetensors: header length 9 exceeds the limit of 8 bytes (a corrupt file, or not a model saved by mtlgrad train)',
  );
});

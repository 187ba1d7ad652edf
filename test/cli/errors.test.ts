import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../../src/autograd/create.js';
import { encodeSafetensors } from '../../src/io/safetensors.js';
import { describeError } from '../../src/node/cli/errors.js';
import { FIXTURES, run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir } from './helpers.js';

const BASE = ['train', '--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS];
const TRAIN = [...BASE, '--hidden', '4', '--epochs', '1'];

/** Runs and checks the error contract: exit code, empty stdout, one `mtlgrad: ` line on stderr. */
async function fails(argv: string[], code: number, pattern: RegExp, cwd?: string): Promise<string> {
  const r = await run(argv, { cwd });
  expect(r.stdout, argv.join(' ')).toBe('');
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^mtlgrad: /);
  expect(lines[0]).not.toMatch(/\bat .*:\d+:\d+/); // no stack frames
  expect(lines[0]).toMatch(pattern);
  return lines[0];
}

describe('usage errors exit 2 with one line', () => {
  it('unknown command, option or flag (with the closest suggestion)', async () => {
    await fails([], 2, /no command given/);
    await fails(['trian'], 2, /unknown command 'trian'; did you mean 'train'\?/);
    await fails([...TRAIN, '--epoch', '3'], 2, /unknown option '--epoch'; did you mean '--epochs'\?/);
    await fails([...TRAIN, '--weigthing', 'uw'], 2, /did you mean '--weighting'\?/);
    await fails([...TRAIN, '--test-spilt', '0.1'], 2, /did you mean '--test-split'\?/);
    await fails(['predict', '--modle', 'x'], 2, /unknown option '--modle'; did you mean '--model'\?/);
    await fails([...TRAIN, '-q'], 2, /unknown option '-q'/);
    await fails([...TRAIN, 'extra'], 2, /unexpected argument 'extra'/);
    await fails([...TRAIN, '--json=yes'], 2, /--json is a switch and takes no value/);
    await fails([...BASE, '--epochs', '3', '--epochs', '4'], 2, /--epochs is given more than once/);
    await fails(['help', 'fit'], 2, /unknown command 'fit'/);
  });

  it('missing --data, --features, --task, --model, or a flag value', async () => {
    await fails(['train', '--features', 'x1', '--task', 'shape:classification'], 2, /--data is required/);
    await fails(['train', '--data', SHAPES, '--task', 'shape:classification'], 2, /--features is required/);
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1'],
      2,
      /at least one --task NAME:KIND is required/,
    );
    await fails(['predict', '--data', SHAPES], 2, /--model is required/);
    await fails(['predict', '--model', 'm.safetensors'], 2, /--data is required/);
    await fails([...TRAIN, '--lr'], 2, /--lr needs a value/);
    await fails([...TRAIN, '--lr', '--json'], 2, /--lr needs a value/);
  });

  it('bad task kinds and option values', async () => {
    await fails(['train', '--data', SHAPES, '--features', 'x1', '--task', 'shape'], 2, /expected NAME:KIND/);
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1', '--task', 'shape:clasification'],
      2,
      /unknown kind 'clasification' \(did you mean 'classification'\?\)/,
    );
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1', '--task', 'shape:ordinal'],
      2,
      /unknown kind 'ordinal'/,
    );
    await fails([...TRAIN, '--lr', 'abc'], 2, /--lr must be a number > 0, got 'abc'/);
    await fails([...TRAIN, '--lr', '0'], 2, /--lr must be a number > 0/);
    await fails([...TRAIN, '--lr', '1e'], 2, /--lr must be/);
    await fails([...BASE, '--epochs', '0'], 2, /--epochs must be a positive integer, got '0'/);
    await fails([...BASE, '--epochs', '2.5'], 2, /--epochs must be a positive integer/);
    await fails([...TRAIN, '--batch-size', '-4'], 2, /--batch-size must be a positive integer/);
    await fails([...TRAIN, '--weight-decay', '-1'], 2, /--weight-decay must be a number ≥ 0/);
    await fails([...TRAIN, '--test-split', '1'], 2, /--test-split must be a number in \[0, 1\)/);
    await fails([...TRAIN, '--seed', 'x'], 2, /--seed must be an integer/);
    await fails([...BASE, '--hidden', '16,0'], 2, /--hidden must be a positive integer, got '0'/);
    await fails([...BASE, '--hidden', '16,,8'], 2, /--hidden: empty name/);
    await fails(
      [...TRAIN, '--weighting', 'mgdaub'],
      2,
      /unknown value 'mgdaub' \(did you mean 'mgda-ub'\?\)/,
    );
    await fails(
      [...TRAIN, '--weighting', 'krum:byzantin=1'],
      2,
      /unknown option 'byzantin' \(did you mean 'byzantine'\?\)/,
    );
    await fails([...TRAIN, '--weighting', 'fairgrad:alpha=NaN'], 2, /alpha must be a number > 0, got 'NaN'/);
    await fails(
      [...TRAIN, '--weighting', 'trimmedmean:trim=-1'],
      2,
      /trim must be a whole number ≥ 0, got '-1'/,
    );
    await fails([...TRAIN, '--weighting', 'krum'], 2, /option 'byzantine' is required/);
    // byzantine ≥ T − 2 needs the task count: the first step refuses it (a data problem, exit 1).
    await fails([...TRAIN, '--weighting', 'krum:byzantine=3'], 1, /at least .* = 6 rows, got 3/);
    await fails([...TRAIN, '--missing', 'zero'], 2, /--missing: unknown value 'zero'.*drop, mean, median/);
    await fails([...TRAIN, '--activation', 'swish'], 2, /--activation: unknown value 'swish'/);
  });

  it('inconsistent columns between flags', async () => {
    await fails(
      [
        'train',
        '--data',
        SHAPES,
        '--features',
        'x1',
        '--categorical',
        'color',
        '--task',
        'shape:classification',
      ],
      2,
      /--categorical column "color" is not listed in --features/,
    );
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1,x1', '--task', 'shape:classification'],
      2,
      /lists "x1" twice/,
    );
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1,shape', '--task', 'shape:classification'],
      2,
      /both a feature and a task/,
    );
    await fails(
      [
        'train',
        '--data',
        SHAPES,
        '--features',
        'x1',
        '--task',
        'shape:classification',
        '--task',
        'shape:binary',
      ],
      2,
      /--task "shape" is given twice/,
    );
  });
});

describe('data and file errors exit 1 with one line', () => {
  const { dir, cleanup } = tempDir();
  beforeAll(() => {
    writeFileSync(join(dir, 'three.csv'), 'a,b\n1,x\n2,y\n3,z\n');
    writeFileSync(join(dir, 'notarray.json'), '{"a": 1}');
    writeFileSync(join(dir, 'bad.json'), '[{"a": 1},');
    writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3\n');
    writeFileSync(join(dir, 'latin1.csv'), Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    mkdirSync(join(dir, 'folder.csv'));
  });
  afterAll(cleanup);

  it('unknown column, listing the available ones', async () => {
    const line = await fails(
      ['train', '--data', SHAPES, '--features', 'x1,noise', '--task', 'shape:classification'],
      1,
      /unknown column "noise" \(--features\)\. Did you mean "noise level"\? Available columns: "x1", "x2", "noise level", "color", "shape", "flag", "value"/,
    );
    expect(line).toContain('shapes.csv');
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1', '--task', 'kind:classification'],
      1,
      /unknown column "kind" \(--task\)/,
    );
  });

  it('a non-numeric feature without --categorical names the column, line and value', async () => {
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1,color', '--task', 'shape:classification'],
      1,
      /column "color", line 2: value "red" is not a number\. If the column holds categories, add it to --categorical/,
    );
    await fails(
      ['train', '--data', 'three.csv', '--features', 'b', '--task', 'a:regression'],
      1,
      /column "b", line 2: value "x"/,
      dir,
    );
  });

  it('bad labels', async () => {
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1', '--task', 'shape:binary'],
      1,
      /binary task "shape" .*has 3 distinct labels/,
    );
    await fails(
      ['train', '--data', SHAPES, '--features', 'x1', '--task', 'color:regression'],
      1,
      /value "red" is not a number/,
    );
  });

  it('empty, header-only, unreadable and malformed files', async () => {
    await fails(
      [...TRAIN.slice(0, 1), '--data', join(FIXTURES, 'empty.csv'), ...TRAIN.slice(3)],
      1,
      /empty\.csv: the file is empty/,
    );
    await fails(
      [...TRAIN.slice(0, 1), '--data', join(FIXTURES, 'header-only.csv'), ...TRAIN.slice(3)],
      1,
      /header-only\.csv: the file has a header line but no data rows/,
    );
    await fails(
      ['train', '--data', 'missing.csv', '--features', 'a', '--task', 'b:regression'],
      1,
      /file not found: ".*missing\.csv"/,
      dir,
    );
    await fails(
      ['train', '--data', 'folder.csv', '--features', 'a', '--task', 'b:regression'],
      1,
      /is a directory, expected a file/,
      dir,
    );
    await fails(
      ['train', '--data', 'ragged.csv', '--features', 'a', '--task', 'b:regression'],
      1,
      /ragged\.csv: line 3: 1 field/,
      dir,
    );
    await fails(
      ['train', '--data', 'latin1.csv', '--features', 'a', '--task', 'b:regression'],
      1,
      /not UTF-8 text/,
      dir,
    );
    await fails(
      ['train', '--data', 'notarray.json', '--features', 'a', '--task', 'b:regression'],
      1,
      /expected a JSON array of row objects/,
      dir,
    );
    await fails(
      ['train', '--data', 'bad.json', '--features', 'a', '--task', 'b:regression'],
      1,
      /bad\.json: invalid JSON/,
      dir,
    );
    await fails(
      [...TRAIN, '--save', 'no/such/dir/m.safetensors'],
      1,
      /--save .*the directory .* does not exist/,
      dir,
    );
  });

  it('corrupt, foreign or mismatched model files', async () => {
    const data = join(FIXTURES, 'new-shapes.csv');
    writeFileSync(join(dir, 'garbage.safetensors'), Buffer.from('this is not a safetensors file at all'));
    await fails(
      ['predict', '--model', 'garbage.safetensors', '--data', data],
      1,
      /garbage\.safetensors: not a valid model file/,
      dir,
    );
    await fails(['predict', '--model', 'nothing.safetensors', '--data', data], 1, /file not found/, dir);

    // A valid safetensors file without mtlgrad metadata.
    writeFileSync(join(dir, 'plain.safetensors'), encodeSafetensors({ w: tensor([1, 2]) }, { format: 'pt' }));
    await fails(
      ['predict', '--model', 'plain.safetensors', '--data', data],
      1,
      /not an mtlgrad model: .*mtlgrad train --save/,
      dir,
    );

    // A real model, then damaged copies of it.
    const t = await run([...TRAIN, '--save', join(dir, 'model.safetensors'), '--json']);
    expect(t.code).toBe(0);
    const bytes = readFileSync(join(dir, 'model.safetensors'));
    writeFileSync(join(dir, 'truncated.safetensors'), bytes.subarray(0, bytes.length - 10));
    await fails(
      ['predict', '--model', 'truncated.safetensors', '--data', data],
      1,
      /truncated\.safetensors: not a valid model file/,
      dir,
    );

    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    const config = JSON.parse(header.__metadata__['mtlgrad.model']);
    const rewrite = (name: string, change: (c: Record<string, unknown>) => void) => {
      const c = structuredClone(config);
      change(c);
      const tensors: Record<string, ReturnType<typeof tensor>> = {};
      for (const [k, v] of Object.entries(header)) {
        if (k === '__metadata__') continue;
        const { shape, data_offsets } = v as { shape: number[]; data_offsets: [number, number] };
        const raw = bytes.subarray(8 + headerLength + data_offsets[0], 8 + headerLength + data_offsets[1]);
        tensors[k] = tensor(
          new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)),
          { shape },
        );
      }
      writeFileSync(
        join(dir, name),
        encodeSafetensors(tensors, { format: 'mtlgrad.model', 'mtlgrad.model': JSON.stringify(c) }),
      );
    };
    rewrite('v2.safetensors', (c) => {
      c.version = 2;
    });
    await fails(
      ['predict', '--model', 'v2.safetensors', '--data', data],
      1,
      /model format version 2 is not supported/,
      dir,
    );
    rewrite('hidden.safetensors', (c) => {
      c.hidden = [8];
    });
    await fails(
      ['predict', '--model', 'hidden.safetensors', '--data', data],
      1,
      /the weights do not match the model described in the metadata/,
      dir,
    );
    rewrite('scaler.safetensors', (c) => {
      (c.standardizer as { std: number[] }).std[0] = -1;
    });
    await fails(['predict', '--model', 'scaler.safetensors', '--data', data], 1, /std/, dir);

    // Data without a feature column the model needs.
    await fails(
      ['predict', '--model', 'model.safetensors', '--data', 'three.csv'],
      1,
      /unknown column "x1" \(a feature of the model\)/,
      dir,
    );
  });

  it('a file where no row can be predicted', async () => {
    writeFileSync(join(dir, 'allbad.csv'), 'x1,x2,noise level,color\n1,,0.5,red\n2,1,0.5,pink\n');
    const t = await run([...TRAIN, '--save', join(dir, 'm2.safetensors')]);
    expect(t.code).toBe(0);
    await fails(
      ['predict', '--model', 'm2.safetensors', '--data', 'allbad.csv'],
      1,
      /none of the 2 rows can be predicted \(row 1 \(line 2\): missing/,
      dir,
    );
  });

  it('unexpected errors print their message (no stack) and exit 1', () => {
    expect(describeError(new TypeError('boom\n    at somewhere (x.js:1:2)'))).toEqual({
      code: 1,
      line: 'mtlgrad: unexpected error: boom at somewhere (x.js:1:2)',
    });
  });
});

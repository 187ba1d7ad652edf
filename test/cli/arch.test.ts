/** `mtlgrad train --arch`: every architecture trains, saves its config, and `predict` rebuilds it. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCsv, parseCsv } from '../../src/data/csv.js';
import { CONFIG_KEY, configFromMetadata, configToMetadata } from '../../src/model/config.js';
import { decodeOutputs } from '../../src/model/decode.js';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../../src/mtl/arch-registry.js';
import { predict } from '../../src/mtl/evaluate.js';
import { parseArgs } from '../../src/node/cli/args.js';
import { trainHelp } from '../../src/node/cli/help.js';
import { featureTensor, runTrain, TRAIN_FLAGS, trainOptions } from '../../src/node/cli/train.js';
import { loadSafetensors } from '../../src/node/safetensors.js';
import { run, SHAPE_FEATURES, SHAPE_TASKS, SHAPES, tempDir } from './helpers.js';

const silent = { write: () => true };
const csv = parseCsv(readFileSync(SHAPES, 'utf8'));
const FEATURE_COLUMNS = ['x1', 'x2', 'noise level', 'color'];
const QUICK = ['--hidden', '6', '--epochs', '3', '--lr', '0.01', '--batch-size', '16', '--seed', '1'];
const BASE = ['--data', SHAPES, ...SHAPE_FEATURES, ...SHAPE_TASKS, ...QUICK];

const CASES: [string, string[], Record<string, unknown>][] = [
  ['hard', ['--tower', '3'], { architecture: 'hard-sharing', tower: [3] }],
  ['mmoe', ['--experts', '3'], { architecture: 'mmoe', experts: 3 }],
  ['cgc', ['--experts', '2', '--task-experts', '0'], { architecture: 'cgc', experts: 2, taskExperts: 0 }],
  [
    'ple',
    ['--levels', '2', '--tower', '2,2'],
    { architecture: 'ple', experts: 4, taskExperts: 1, levels: 2, tower: [2, 2] },
  ],
  ['cross-stitch', [], { architecture: 'cross-stitch' }],
  ['dselect-k', ['--experts', '3', '--k', '1'], { architecture: 'dselect-k', experts: 3, k: 1 }],
];

describe('mtlgrad train --arch', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);
  const idx = FEATURE_COLUMNS.map((c) => csv.header.indexOf(c));

  for (const [arch, flags, saved] of CASES) {
    it(`${arch}: the saved config records the architecture and predict rebuilds the same network`, async () => {
      const file = `${arch}.safetensors`;
      const argv = [...BASE, '--arch', arch, ...flags, '--save', file];
      const trained = await runTrain(trainOptions(parseArgs(argv, TRAIN_FLAGS, 'train')), {
        stdout: silent,
        stderr: silent,
        cwd: dir,
      });
      const { metadata } = await loadSafetensors(join(dir, file));
      const config = JSON.parse(metadata[CONFIG_KEY]);
      for (const [k, v] of Object.entries(saved)) expect(config[k]).toEqual(v);
      const rows = Array.from(trained.test.rowIndex, (i) => idx.map((j) => csv.rows[i][j]));
      writeFileSync(join(dir, `${arch}.csv`), formatCsv(FEATURE_COLUMNS, rows));
      const expected = decodeOutputs(
        trained.config,
        predict(trained.model, featureTensor(trained.test)),
        rows.length,
      );
      const r = await run(['predict', '--model', file, '--data', `${arch}.csv`, '--json'], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.predictions.map((p: { tasks: unknown }) => p.tasks)).toEqual(expected);
    });
  }

  it('names the architecture in the report and the --json config', async () => {
    const r = await run(['train', ...BASE, '--arch', 'ple', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config).toMatchObject({ architecture: 'ple', experts: 4, taskExperts: 1, levels: 2 });
    const text = await run(['train', ...BASE, '--arch', 'mmoe', '--experts', '2']);
    expect(text.stdout).toMatch(/Network: 6 inputs -> mmoe, 2 experts: 6 \(relu\) -> 3 heads;/);
  });

  it('rejects unknown architectures, options they do not read and values out of range', async () => {
    const fails = async (extra: string[], message: RegExp) => {
      const r = await run(['train', ...BASE, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    };
    await fails(
      ['--arch', 'mmo'],
      /--arch: unknown value 'mmo' \(did you mean 'mmoe'\?\); choose one of hard, mmoe, cgc, ple, cross-stitch, dselect-k/,
    );
    await fails(
      ['--arch', 'mmoe', '--levels', '2'],
      /--levels does not apply to --arch mmoe \(only to ple\)/,
    );
    await fails(
      ['--experts', '2'],
      /--experts does not apply to --arch hard \(only to mmoe, cgc, ple, dselect-k\)/,
    );
    await fails(['--arch', 'dselect-k', '--experts', '1'], /--experts must be an integer ≥ 2, got '1'/);
    await fails(['--arch', 'dselect-k', '--experts', '2', '--k', '3'], /--k 3 is more than the 2 experts/);
    await fails(['--arch', 'ple', '--levels', '0'], /--levels must be a positive integer, got '0'/);
    await fails(['--tower', '4,0'], /--tower must be a positive integer, got '0'/);
  });

  it('lists every architecture and its options in the help', () => {
    const help = trainHelp();
    for (const a of ARCHITECTURE_NAMES) expect(help).toContain(`${ARCHITECTURES[a].cli}  `);
    for (const flag of ['--arch', '--tower', '--experts', '--task-experts', '--levels', '--k'])
      expect(help).toContain(flag);
  });
});

describe('saved architecture configs', () => {
  const base = {
    format: 'mtlgrad.model',
    version: 1,
    features: ['a'],
    categorical: {},
    featureNames: ['a'],
    missing: 'drop',
    hidden: [4],
    activation: 'relu',
    tasks: [{ name: 'z', column: 'z', kind: 'regression' }],
    standardizer: {
      format: 'mtlgrad.standardizer',
      version: 1,
      featureNames: ['a'],
      mean: [0],
      std: [1],
      scaled: [true],
      impute: null,
      fill: [0],
    },
    targetStandardizer: {
      format: 'mtlgrad.target-standardizer',
      version: 1,
      tasks: { z: { mean: 0, std: 1 } },
    },
  };
  const read = (fields: Record<string, unknown>) =>
    configFromMetadata({ [CONFIG_KEY]: JSON.stringify({ ...base, ...fields }) }, 'm.safetensors');

  it('round-trip with their options and towers', () => {
    const c = read({ architecture: 'dselect-k', experts: 4, k: 2, tower: [3] });
    expect(c).toMatchObject({ architecture: 'dselect-k', experts: 4, k: 2, tower: [3] });
    expect(configFromMetadata(configToMetadata(c), 'm')).toEqual(c);
  });

  it('are refused when an option is missing, out of range or foreign to the architecture', () => {
    expect(() => read({ architecture: 'transformer' })).toThrow(
      /m\.safetensors: unknown architecture "transformer" \(known: hard-sharing, mmoe/,
    );
    expect(() => read({ architecture: 'mmoe' })).toThrow(
      /mmoe: experts must be an integer ≥ 1, got undefined/,
    );
    expect(() => read({ architecture: 'ple', experts: 2, taskExperts: 1, levels: 0 })).toThrow(
      /ple: levels must be an integer ≥ 1, got 0/,
    );
    expect(() => read({ architecture: 'hard-sharing', k: 2 })).toThrow(
      /k does not apply to the hard-sharing architecture/,
    );
    expect(() => read({ architecture: 'dselect-k', experts: 2, k: 3 })).toThrow(
      /k must be at most experts \(2\), got 3/,
    );
    expect(() => read({ architecture: 'cross-stitch', tower: [0] })).toThrow(
      /tower must be an array of positive integers/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors.js';
import { configFromMetadata, configToMetadata, type ModelConfig } from '../../src/model/config.js';
import { parseArgs, splitList } from '../../src/node/cli/args.js';
import { oneLine, UsageError } from '../../src/node/cli/errors.js';
import { parseTaskArg } from '../../src/node/cli/train.js';
import { closest } from '../../src/options.js';

describe('argument parsing', () => {
  it('splits comma-separated column lists, keeping spaces and parentheses inside names', () => {
    expect(splitList('Beak Length (mm),Beak Depth (mm), Island', 'features')).toEqual([
      'Beak Length (mm)',
      'Beak Depth (mm)',
      'Island',
    ]);
    expect(splitList('"a,b",c,"say ""hi"""', 'features')).toEqual(['a,b', 'c', 'say "hi"']);
    expect(() => splitList('a,', 'features')).toThrow(UsageError);
    expect(() => splitList('"a', 'features')).toThrow(/unterminated/);
    expect(() => splitList('"a"b', 'features')).toThrow(/unexpected text/);
  });

  it('reads NAME:KIND with the last colon', () => {
    expect(parseTaskArg('Body Mass (g):regression')).toEqual({ name: 'Body Mass (g)', kind: 'regression' });
    expect(parseTaskArg('time: 10:00:binary')).toEqual({ name: 'time: 10:00', kind: 'binary' });
    expect(() => parseTaskArg(':binary')).toThrow(/empty/);
  });

  it('accepts --flag=value and collects repeatable flags', () => {
    const a = parseArgs(
      ['--data=x.csv', '--task', 'a:binary', '--task=b:regression', '--json'],
      {
        data: { type: 'string' },
        task: { type: 'string', repeatable: true },
        json: { type: 'boolean' },
      },
      'train',
    );
    expect(a.values.get('data')).toEqual(['x.csv']);
    expect(a.values.get('task')).toEqual(['a:binary', 'b:regression']);
    expect(a.switches.has('json')).toBe(true);
    // A negative number is a value, not a flag.
    expect(parseArgs(['--seed', '-3'], { seed: { type: 'string' } }, 'train').values.get('seed')).toEqual([
      '-3',
    ]);
  });

  it('suggests the closest name', () => {
    expect(closest('epoch', ['epochs', 'lr'])).toBe('epochs');
    expect(closest('noise', ['x1', 'noise level'])).toBe('noise level');
    expect(closest('zzz', ['epochs', 'lr'])).toBeUndefined();
  });

  it('prints internal errors as one line without function prefixes', () => {
    expect(oneLine('loadTable: unknown column "x"\n  more')).toBe('unknown column "x" more');
    expect(oneLine('HardSharing.build: inputs must be ≥ 1')).toBe('inputs must be ≥ 1');
    expect(oneLine('task "a": bad')).toBe('task "a": bad');
  });
});

describe('model config metadata', () => {
  const config: ModelConfig = {
    format: 'mtlgrad.model',
    version: 1,
    architecture: 'hard-sharing',
    features: ['a', 'c'],
    categorical: { c: ['u', 'v'] },
    featureNames: ['a', 'c=u', 'c=v'],
    missing: 'drop',
    hidden: [4],
    activation: 'relu',
    tasks: [
      { name: 'y', column: 'y', kind: 'binary', classes: ['no', 'yes'] },
      { name: 'z', column: 'z', kind: 'regression' },
    ],
    standardizer: {
      format: 'mtlgrad.standardizer',
      version: 1,
      featureNames: ['a', 'c=u', 'c=v'],
      mean: [1, 0, 0],
      std: [2, 1, 1],
      scaled: [true, false, false],
      impute: null,
      fill: [1, 0.5, 0.5],
    },
    targetStandardizer: {
      format: 'mtlgrad.target-standardizer',
      version: 1,
      tasks: { z: { mean: 3, std: 4 } },
    },
  };

  it('round-trips', () => {
    const meta = configToMetadata(config);
    expect(meta.format).toBe('mtlgrad.model');
    expect(configFromMetadata(meta, 'm')).toEqual(config);
  });

  it('rejects malformed or inconsistent configs with a FormatError naming the file', () => {
    const bad = (change: (c: Record<string, unknown>) => void) => {
      const c = structuredClone(config) as unknown as Record<string, unknown>;
      change(c);
      return () => configFromMetadata({ 'mtlgrad.model': JSON.stringify(c) }, 'm.safetensors');
    };
    expect(() => configFromMetadata({ 'mtlgrad.model': '{' }, 'm.safetensors')).toThrow(
      /^m\.safetensors: .*not valid JSON/,
    );
    expect(() => configFromMetadata({}, 'm')).toThrow(FormatError);
    expect(
      bad((c) => {
        c.format = 'other';
      }),
    ).toThrow(/unknown model format/);
    expect(
      bad((c) => {
        c.featureNames = ['a', 'c=v', 'c=u'];
      }),
    ).toThrow(/featureNames do not match/);
    expect(
      bad((c) => {
        c.hidden = [0];
      }),
    ).toThrow(/hidden/);
    expect(
      bad((c) => {
        c.activation = 'swish';
      }),
    ).toThrow(/activation/);
    expect(
      bad((c) => {
        (c.tasks as { classes?: string[] }[])[0].classes = ['x'];
      }),
    ).toThrow(/needs 2 classes/);
    expect(
      bad((c) => {
        (c.targetStandardizer as { tasks: object }).tasks = {};
      }),
    ).toThrow(/no entry for regression task "z"/);
    expect(
      bad((c) => {
        c.categorical = { b: [] };
      }),
    ).toThrow(/not a feature/);
  });
});

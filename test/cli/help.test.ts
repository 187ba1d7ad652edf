import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PREDICT_FLAGS } from '../../src/node/cli/predict.js';
import { TRAIN_FLAGS } from '../../src/node/cli/train.js';
import { ROOT, run } from './helpers.js';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

describe('help and version', () => {
  it('mtlgrad --help lists the commands with an example', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`mtlgrad ${version}`);
      expect(r.stdout).toMatch(/^ {2}mtlgrad train {3}--data FILE/m);
      expect(r.stdout).toMatch(/^ {2}mtlgrad predict --model FILE/m);
      expect(r.stdout).toContain('Example:');
      expect(r.stdout).toContain('Exit status');
    }
  });

  it('mtlgrad --version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('train --help explains every flag, with defaults and an example', async () => {
    const r = await run(['train', '--help']);
    expect(r.code).toBe(0);
    for (const flag of Object.keys(TRAIN_FLAGS))
      expect(r.stdout).toMatch(new RegExp(`^ {2}--${flag}\\b`, 'm'));
    for (const d of [
      'Default: 64,64',
      'Default: relu',
      'Default: 100',
      'Default: 32',
      'Default: 0.001',
      'Default: ew',
      'Default: 0.2',
      'Default: drop',
    ]) {
      expect(r.stdout).toContain(d);
    }
    expect(r.stdout).toContain('Example:');
    expect((await run(['help', 'train'])).stdout).toBe(r.stdout);
    // --help wins over other (even invalid) options.
    expect((await run(['train', '--data', 'x.csv', '--epochs', '0', '--help'])).stdout).toBe(r.stdout);
  });

  it('predict --help explains every flag, with an example', async () => {
    const r = await run(['predict', '--help']);
    expect(r.code).toBe(0);
    for (const flag of Object.keys(PREDICT_FLAGS))
      expect(r.stdout).toMatch(new RegExp(`^ {2}--${flag}\\b`, 'm'));
    expect(r.stdout).toContain('Example:');
    expect((await run(['help', 'predict'])).stdout).toBe(r.stdout);
  });

  it('the entry point runs as a program (npx tsx src/cli.ts --help)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli.ts', '--help'], {
      cwd: ROOT,
      timeout: 30_000,
    });
    expect(stdout).toContain(`mtlgrad ${version}`);
    expect(stdout).toContain('mtlgrad train');
    expect(readFileSync(join(ROOT, 'src/cli.ts'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

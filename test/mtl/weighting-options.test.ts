import { describe, expect, it } from 'vitest';
import { ValueError } from '../../src/errors.js';
import { fairGrad } from '../../src/mtl/aggregators/index.js';
import { createWeighting } from '../../src/mtl/registry.js';
import type { GradientWeighting } from '../../src/mtl/weighting/types.js';
import { checkWeightingOptions, parseWeightingSpec } from '../../src/mtl/weighting-options.js';
import { parseWeighting } from '../../src/node/cli/args.js';
import { UsageError } from '../../src/node/cli/errors.js';
import { expectClose } from '../support/aggregators.js';

const rows = (J: number[][]) => J.map((g) => Float64Array.from(g));
const step = { epoch: 0, step: 0 };
const gradient = (spec: string, options = {}) => createWeighting(spec, options) as GradientWeighting;

describe('parseWeightingSpec', () => {
  it('splits name:key=value pairs; commas without = continue a list', () => {
    expect(parseWeightingSpec('UPGrad')).toEqual({ name: 'upgrad', options: {} });
    expect(parseWeightingSpec('constant:weights=1,2')).toEqual({
      name: 'constant',
      options: { weights: ['1', '2'] },
    });
    expect(parseWeightingSpec('krum:byzantine=1,selected=1')).toEqual({
      name: 'krum',
      options: { byzantine: '1', selected: '1' },
    });
    expect(parseWeightingSpec('fairgrad: alpha = 0.5 ')).toEqual({
      name: 'fairgrad',
      options: { alpha: '0.5' },
    });
    expect(parseWeightingSpec('graddrop:leak=0.1,0.2,0.3')).toEqual({
      name: 'graddrop',
      options: { leak: ['0.1', '0.2', '0.3'] },
    });
  });

  it('rejects malformed text with a ValueError that says what is wrong', () => {
    expect(() => parseWeightingSpec('krum:')).toThrow(/expected key=value after ':'/);
    expect(() => parseWeightingSpec('krum:=1')).toThrow(/no option name before '='/);
    expect(() => parseWeightingSpec('krum:1')).toThrow(/'1' is not key=value/);
    expect(() => parseWeightingSpec('krum:byzantine=1,byzantine=2')).toThrow(/'byzantine' given twice/);
  });
});

describe('checkWeightingOptions', () => {
  const specs = {
    alpha: { kind: 'number', min: 0, exclusive: true, description: 'a' },
    mode: { kind: 'choice', choices: ['none', 'l2', 'loss+'], description: 'm' },
    w: { kind: 'numbers', description: 'w' },
  } as const;
  it('reads text by the kind of its option; numbers pass as they are', () => {
    expect(checkWeightingOptions('m', specs, { alpha: '0.5', mode: 'loss+', w: ['1', '2'] })).toEqual({
      alpha: 0.5,
      mode: 'loss+',
      w: [1, 2],
    });
    expect(checkWeightingOptions('m', specs, { alpha: 2, w: 3 })).toEqual({ alpha: 2, w: [3] });
  });
  it('rejects a word that is not a choice (with a did-you-mean), text that is not a number', () => {
    expect(() => checkWeightingOptions('m', specs, { mode: 'loss' })).toThrow(
      /mode must be one of none, l2, loss\+, got 'loss' \(did you mean 'loss\+'\?\)/,
    );
    expect(() => checkWeightingOptions('m', specs, { mode: 1 })).toThrow(ValueError);
    for (const alpha of ['NaN', '', 'Infinity', 'abc', '1,2'])
      expect(() => checkWeightingOptions('m', specs, { alpha })).toThrow(
        `alpha must be a number > 0, got '${alpha}'`,
      );
    expect(() => checkWeightingOptions('m', specs, { w: ['1', ''] })).toThrow(/w must be numbers, got ''/);
  });
});

describe('createWeighting with options', () => {
  it('passes the options to the method', () => {
    const J = rows([
      [1, 0],
      [0, 1],
    ]);
    expectClose(gradient('constant:weights=1,2').aggregate(J, [1, 1], step).direction, [1, 2], 0);
    expectClose(gradient('constant', { weights: [3, 1] }).aggregate(J, [1, 1], step).direction, [3, 1], 0);
    const K = rows([
      [-4, 1, 1],
      [6, 1, 1],
    ]);
    expectClose(
      gradient('fairgrad:alpha=0.5').aggregate(K, [1, 1], step).weights,
      fairGrad(K, { alpha: 0.5 }).weights,
      0,
    );
    // Krum with f = 0, m = 1: each row's distance to its nearest is 2, 1, 1; the tie goes to row 1.
    const three = rows([[0], [2], [3]]);
    expectClose(gradient('krum:byzantine=0').aggregate(three, [1, 1, 1], step).weights, [0, 1, 0], 0);
    expectClose(gradient('trimmedmean:trim=1').aggregate(three, [1, 1, 1], step).direction, [2], 0);
    expect(gradient('graddrop:leak=1').aggregate(K, [1, 1], step).direction[0]).toBe(2);
  });

  it('unknown keys get a did-you-mean; a method without options says so', () => {
    expect(() => createWeighting('krum:byzantin=1')).toThrow(
      /weighting 'krum': unknown option 'byzantin' \(did you mean 'byzantine'\?\); options are: byzantine, selected/,
    );
    expect(() => createWeighting('fairgrad', { alpah: 1 })).toThrow(/did you mean 'alpha'/);
    expect(() => createWeighting('ew:x=1')).toThrow(/weighting 'ew' takes no options, got 'x'/);
  });

  it('hostile values get named errors: NaN alpha, negative trim, fractional or missing counts', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['fairgrad', { alpha: Number.NaN }, /alpha must be a number > 0, got NaN/],
      ['fairgrad:alpha=0', {}, /alpha must be a number > 0, got '0'/],
      ['trimmedmean:trim=-1', {}, /trim must be a whole number ≥ 0, got '-1'/],
      ['krum:byzantine=1.5', {}, /byzantine must be a whole number ≥ 0, got '1.5'/],
      ['krum:selected=2', {}, /option 'byzantine' is required/],
      ['constant', {}, /option 'weights' is required/],
      ['gradvac:beta=2', {}, /beta must be a number in \[0, 1\], got '2'/],
      ['graddrop:leak=0.5,-1', {}, /leak must be numbers in \[0, 1\], got '-1'/],
      ['fairgrad', { alpha: [1, 2] }, /alpha must be a number > 0/],
      ['fairgrad:alpha=NaN', {}, /alpha must be a number > 0, got 'NaN'/],
      ['fairgrad', { alpha: '' }, /alpha must be a number > 0, got ''/],
      ['fairgrad:alpha=1', { alpha: 2 }, /option 'alpha' given twice/],
      ['pcgrad', { seed: Number.NaN }, /seed must be a finite number/],
      ['pcgrad', null as unknown as Record<string, unknown>, /options must be an object/],
    ];
    for (const [spec, options, message] of cases) {
      expect(() => createWeighting(spec, options), spec).toThrow(ValueError);
      expect(() => createWeighting(spec, options), spec).toThrow(message);
    }
  });

  it('byzantine ≥ T − 2 is caught at the first step, naming the rows needed', () => {
    const w = gradient('krum:byzantine=2');
    expect(() => w.aggregate(rows([[0], [1], [3]]), [1, 1, 1], step)).toThrow(/at least .* = 5 rows, got 3/);
  });
});

describe('the CLI --weighting value', () => {
  it('is checked when the flags are read, as a usage error', () => {
    expect(parseWeighting('krum:byzantine=1,selected=2', 'weighting')).toBe('krum:byzantine=1,selected=2');
    expect(() => parseWeighting('krum:byzantin=1', 'weighting')).toThrow(UsageError);
    expect(() => parseWeighting('krum:byzantin=1', 'weighting')).toThrow(
      /--weighting: weighting 'krum': unknown option 'byzantin' \(did you mean 'byzantine'\?\)/,
    );
    expect(() => parseWeighting('fairgrd:alpha=1', 'weighting')).toThrow(
      /unknown value 'fairgrd' \(did you mean 'fairgrad'\?\)/,
    );
  });
});

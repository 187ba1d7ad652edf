import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors.js';
import { checkNonNegative, checkOptionKeys } from '../src/options.js';

describe('checkOptionKeys', () => {
  const allowed = ['epochs', 'weightDecay', 'lr'];
  it('accepts known keys, undefined and null', () => {
    expect(checkOptionKeys('fit', { epochs: 3, lr: 1 }, allowed)).toEqual({ epochs: 3, lr: 1 });
    expect(checkOptionKeys('fit', undefined, allowed)).toBeUndefined();
    expect(checkOptionKeys('fit', null, allowed)).toBeNull();
  });
  it('names an unknown key and the closest allowed one', () => {
    expect(() => checkOptionKeys('fit', { weightdecay: 10 }, allowed)).toThrow(
      /fit: unknown option 'weightdecay' \(did you mean 'weightDecay'\?\)/,
    );
    expect(() => checkOptionKeys('fit', { zzzzzz: 1 }, allowed)).toThrow(ValueError);
  });
  it('rejects non-objects', () => {
    expect(() => checkOptionKeys('fit', 5 as unknown as object, allowed)).toThrow(
      /options must be an object, got number/,
    );
    expect(() => checkOptionKeys('fit', [] as unknown as object, allowed)).toThrow(/got an array/);
  });
});

describe('checkNonNegative', () => {
  it('returns a finite number ≥ 0 and names where and which option otherwise', () => {
    expect(checkNonNegative('SGD', 'lr', 0)).toBe(0);
    expect(checkNonNegative('SGD', 'lr', 0.5)).toBe(0.5);
    for (const bad of [-1e-12, Number.NaN, Number.POSITIVE_INFINITY, '1', undefined]) {
      expect(() => checkNonNegative('SGD', 'lr', bad)).toThrow(ValueError);
    }
    expect(() => checkNonNegative('cagrad', 'c', -1)).toThrow(
      'cagrad: c must be a finite number ≥ 0, got -1',
    );
  });
});

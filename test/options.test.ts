import { describe, expect, it } from 'vitest';
import { ValueError } from '../src/errors.js';
import { checkOptionKeys } from '../src/options.js';

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

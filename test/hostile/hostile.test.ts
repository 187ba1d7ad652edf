/**
 * The hostile-input suite: every case must end in a named error (with a message that says what is
 * wrong) or a correct result; never a silent wrong number, a raw crash, a hang or lost data.
 * `scripts/hostile-sweep.ts` runs the same cases in a child process and counts the outcomes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CASES } from './cases.js';
import { classify, GOOD_OUTCOMES } from './classify.js';
import { cleanupScratch } from './fixtures.js';

describe('hostile inputs', () => {
  afterAll(cleanupScratch);
  for (const c of CASES) {
    it(c.id, async () => {
      const { outcome, detail } = await classify(c);
      expect(GOOD_OUTCOMES, `${outcome}: ${detail}`).toContain(outcome);
    });
  }
});

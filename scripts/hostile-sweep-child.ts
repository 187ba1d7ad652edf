/**
 * The child of scripts/hostile-sweep.ts: runs the hostile cases from the index given on the
 * command line, writing one JSON line before each case ({start}) and one with its outcome.
 */
import { CASES } from '../test/hostile/cases.js';
import { classify } from '../test/hostile/classify.js';
import { cleanupScratch } from '../test/hostile/fixtures.js';

const start = Number(process.argv[2] ?? 0);
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ total: CASES.length });
try {
  for (let i = start; i < CASES.length; i++) {
    say({ start: CASES[i].id });
    const { outcome, detail } = await classify(CASES[i]);
    say({ index: i, id: CASES[i].id, outcome, detail });
  }
} finally {
  cleanupScratch();
}

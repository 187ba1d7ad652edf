/** Writes the sample report: `npx tsx test/support/render-report-sample.ts [out.html]` (default /tmp/report-sample.html). */
import { writeFileSync } from 'node:fs';
import { sampleReport } from './report-sample.js';

const out = process.argv[2] ?? '/tmp/report-sample.html';
writeFileSync(out, sampleReport());
console.log(`wrote ${out}`);

/** Writes the sample report: `npx tsx test/report/render-sample.ts [out.html]` (default /tmp/report-sample.html). */
import { writeFileSync } from 'node:fs';
import { sampleReport } from './sample.js';

const out = process.argv[2] ?? '/tmp/report-sample.html';
writeFileSync(out, sampleReport());
console.log(`wrote ${out}`);

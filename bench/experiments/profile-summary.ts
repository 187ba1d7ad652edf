/**
 * Self time per function of a .cpuprofile written by `node --cpu-prof`:
 *   npx tsx bench/experiments/profile-summary.ts FILE.cpuprofile|DIR [top=15]
 * Given a directory, reads the profile with the most busy (non-idle) time: with tsx, node also
 * writes a profile of the mostly idle module-loader thread.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (µs) per "function file:line", idle excluded. */
function selfTimes(prof: Profile): Map<string, number> {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const node = byId.get(prof.samples[i]);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  return self;
}

const [arg, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 15);
if (!arg || !Number.isInteger(top) || top < 1) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile|DIR [top]\n');
  process.exit(2);
}
const files = statSync(arg).isDirectory()
  ? readdirSync(arg)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(arg, f))
  : [arg];
let best: { file: string; self: Map<string, number>; busy: number } | null = null;
for (const file of files) {
  const self = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  let busy = 0;
  for (const v of self.values()) busy += v;
  if (best === null || busy > best.busy) best = { file, self, busy };
}
if (best === null) {
  process.stderr.write(`profile-summary: no .cpuprofile in ${arg}\n`);
  process.exit(2);
}
const rows = [...best.self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
process.stdout.write(`${best.file}: ${(best.busy / 1000).toFixed(0)} ms busy (idle excluded)\n`);
process.stdout.write('| self % | self ms | function |\n| ---: | ---: | --- |\n');
for (const [k, v] of rows) process.stdout.write(`| ${((100 * v) / best.busy).toFixed(1)} | ${(v / 1000).toFixed(0)} | ${k} |\n`);

/**
 * One experiment of the demo on its own: `npm run experiment -- <name> [--quick] [--json FILE] [--out FILE]`.
 * Prints its tables; `--json` writes its result, `--out` a report of its sections drawn from that result.
 */
import '../../src/autograd/methods.js';
import { renderReport } from '../../src/report/index.js';
import { context, parseFlags, runLogged, writeAtomic } from '../demo/runner.js';
import { EXPERIMENTS } from './index.js';

const flags = parseFlags('experiment', process.argv.slice(2), true);
const exp = EXPERIMENTS.find((e) => e.name === flags.names[0]);
if (flags.names.length !== 1 || exp === undefined) {
  const list = EXPERIMENTS.map((e) => `  ${e.name.padEnd(16)} ${e.summary}`).join('\n');
  process.stderr.write(
    `experiment: name one experiment${flags.names.length > 0 ? ` (got ${flags.names.join(' ')})` : ''}:\n${list}\n`,
  );
  process.exit(2);
}
const started = Date.now();
const ctx = context(flags.quick, (s) => process.stderr.write(`${s}\n`), started);
const result = runLogged(exp, ctx, `${exp.name}: ${exp.summary}`, (s) => console.log(s));
const json = JSON.stringify(result, null, 2);
if (flags.json) console.log(`\nResult written to ${writeAtomic(flags.json, `${json}\n`)}`);
if (flags.out) {
  const html = renderReport({
    title: `mtlgrad experiment: ${exp.name}`,
    subtitle: exp.summary,
    generated: new Date().toISOString(),
    sections: exp.render(JSON.parse(json)),
  });
  console.log(`Report written to ${writeAtomic(flags.out, html)}`);
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)}s)`);

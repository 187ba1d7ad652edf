// `npm run build`: compiles src/ into a clean dist/, then writes a CommonJS-flavoured copy
// (.d.cts) of every declaration file.
//
// The JavaScript exists once, as ES modules: Node >= 20.19 lets `require()` load them, and a
// second CommonJS build would give a program two copies of the library, each with its own
// backend, thread pool and seed. Only the types need a CommonJS view: with `module: node16`,
// TypeScript refuses a `require` of a file it believes is an ES module, so the exports map's
// `types.require` condition points at these copies. Their relative imports name `.cjs` files,
// which TypeScript resolves to the `.d.cts` next to them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// A clean directory, so no output of a deleted or renamed module is ever packed.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// Every relative module specifier: `from './x.js'`, `import('../y.js')`, `import './z.js'`, and
// `declare module './tensor.js'`, which adds the chained methods to Tensor and must augment the
// CommonJS view of tensor.d.ts too.
const RELATIVE_JS = /(['"])(\.{1,2}\/[^'"\n]*?)\.js\1/g;
let count = 0;
for (const entry of readdirSync(dist, { recursive: true })) {
  const file = join(dist, String(entry));
  if (!file.endsWith('.d.ts')) continue;
  const text = readFileSync(file, 'utf8').replace(RELATIVE_JS, '$1$2.cjs$1');
  writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), text);
  count++;
}
if (count === 0) throw new Error('build: tsc wrote no declaration files into dist/');

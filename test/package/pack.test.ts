/**
 * The package as an npm user meets it: a fresh build is packed, the tarball is installed into a
 * new `npm init -y` project (CommonJS by default) without the registry, and that project
 * requires, imports, type-checks and runs it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const tsc = join(root, 'node_modules/typescript/bin/tsc');

let work = '';
let project = '';
/** Paths inside the tarball, relative to the package root. */
let packed = new Set<string>();

/** Runs the TypeScript compiler in the project; a failure shows its diagnostics. */
async function typecheck(args: string[]): Promise<void> {
  try {
    await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: project });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${args.join(' ')}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** Runs a program and returns its output; a failure shows both streams. */
function exec(file: string, args: string[], cwd: string): { stdout: string; stderr: string } {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? `exit status ${r.status}`;
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd} (${why}):\n${r.stderr}\n${r.stdout}`);
  }
  return { stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mtlgrad-pack-'));
  exec(process.execPath, [join(root, 'scripts/build.mjs')], root);
  const [info] = JSON.parse(
    exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root).stdout,
  ) as [{ filename: string; files: { path: string }[] }];
  packed = new Set(info.files.map((f) => f.path));
  project = join(work, 'project');
  mkdirSync(project);
  exec('npm', ['init', '-y'], project);
  exec('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, info.filename)], project);
}, 180_000);

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the entries, both kinds of declarations, the license and the sources', () => {
    for (const entry of ['index', 'testing/index', 'node/index']) {
      for (const ext of ['.js', '.d.ts', '.d.cts'])
        expect(packed, entry + ext).toContain(`dist/${entry}${ext}`);
    }
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/cli.js', 'src/index.ts']) {
      expect(packed).toContain(f);
    }
    expect(readFileSync(join(project, 'node_modules/mtlgrad/LICENSE'), 'utf8')).toMatch(/^MIT License/);
    // Tests and development files stay out.
    expect([...packed].filter((f) => /^(test|node_modules|scripts)\//.test(f))).toEqual([]);
  });

  it('every source map names sources that ship', () => {
    const maps = [...packed].filter((f) => f.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(20);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(join(project, 'node_modules/mtlgrad', map), 'utf8')) as {
        sources: string[];
      };
      expect(sources.length, map).toBeGreaterThan(0);
      for (const s of sources) expect(packed, `${map} -> ${s}`).toContain(posix.join(posix.dirname(map), s));
    }
  });

  it('README links work on the package page: no relative file links, unpkg links name packed files', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(0);
    const slugs = new Set(
      [...readme.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const unpkg = `https://unpkg.com/mtlgrad@${pkg.version}/`;
    for (const t of targets) {
      if (t.startsWith('#')) expect(slugs, t).toContain(t.slice(1));
      else if (t.startsWith('https://unpkg.com/')) {
        expect(t.startsWith(unpkg), `${t} should start with ${unpkg}`).toBe(true);
        expect(packed, t).toContain(t.slice(unpkg.length));
      } else expect(t, 'a link must be absolute or an anchor').toMatch(/^https:\/\//);
    }
  });
});

describe('an npm init -y project using the installed package', () => {
  it('require() loads all three entries (one copy: the same classes as import) and trains a model', () => {
    const script = join(project, 'train.cjs');
    writeFileSync(
      script,
      `const mtl = require('mtlgrad');
const { gradcheck } = require('mtlgrad/testing');
const { saveSafetensorsSync, loadSafetensorsSync } = require('mtlgrad/node');
const { fit, HardSharing, Rng, randn, tensor } = mtl;
const rng = new Rng(0);
const x = randn([64, 3], { rng });
const y = {
  up: Array.from({ length: 64 }, (_, i) => (x.data[3 * i] > 0 ? 1 : 0)),
  size: Array.from({ length: 64 }, (_, i) => 2 * x.data[3 * i + 1]),
};
const tasks = [{ name: 'up', kind: 'binary' }, { name: 'size', kind: 'regression' }];
const model = HardSharing.build({ inputs: 3, hidden: [8], tasks, rng });
const history = fit(model, { x, y }, { tasks, epochs: 30, lr: 0.05 });
saveSafetensorsSync(process.argv[2], model);
const loaded = loadSafetensorsSync(process.argv[2]);
const check = gradcheck((a) => a.mul(a).sum(), [tensor([0.5, -2], { dtype: 'float64', requiresGrad: true })]);
import('mtlgrad').then((esm) => {
  console.log(JSON.stringify({
    first: history.epochs[0].trainLoss,
    last: history.epochs.at(-1).trainLoss,
    saved: Object.keys(loaded.tensors).sort(),
    state: Object.keys(model.stateDict()).sort(),
    gradcheck: check.pass,
    sameCopy: esm.Tensor === mtl.Tensor && esm.fit === fit,
  }));
});
`,
    );
    const { stdout, stderr } = exec(process.execPath, [script, join(work, 'model.safetensors')], project);
    expect(stderr).toBe('');
    const r = JSON.parse(stdout);
    for (const task of ['up', 'size']) expect(r.last[task]).toBeLessThan(r.first[task]);
    expect(r.saved).toEqual(r.state);
    expect(r.saved.length).toBeGreaterThan(0);
    expect(r.gradcheck).toBe(true);
    expect(r.sameCopy).toBe(true);
  });

  it('import works from an ES module', () => {
    const script = join(project, 'train.mjs');
    writeFileSync(
      script,
      `import { evaluate, fit, HardSharing, Rng, randn } from 'mtlgrad';
import { gradcheck } from 'mtlgrad/testing';
import { loadSafetensors, saveSafetensors } from 'mtlgrad/node';
const rng = new Rng(1);
const x = randn([64, 2], { rng });
const y = { kind: Array.from({ length: 64 }, (_, i) => (x.data[2 * i] + x.data[2 * i + 1] > 0 ? 1 : 0)) };
const tasks = [{ name: 'kind', kind: 'classification', classes: 2 }];
const model = HardSharing.build({ inputs: 2, hidden: [8], tasks, rng });
fit(model, { x, y }, { tasks, epochs: 40, lr: 0.05 });
await saveSafetensors(process.argv[2], model);
const { tensors } = await loadSafetensors(process.argv[2]);
console.log(JSON.stringify({
  accuracy: evaluate(model, { x, y }, { tasks }).kind.accuracy,
  tensors: Object.keys(tensors).length,
  gradcheck: typeof gradcheck,
}));
`,
    );
    const { stdout } = exec(process.execPath, [script, join(work, 'esm.safetensors')], project);
    const r = JSON.parse(stdout);
    // A linearly separable rule; chance would be about 0.5.
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(r.tensors).toBeGreaterThan(0);
    expect(r.gradcheck).toBe('function');
  });

  it('npx mtlgrad runs the installed command line', () => {
    expect(exec('npx', ['--no-install', 'mtlgrad', '--version'], project).stdout).toBe(`${pkg.version}\n`);
    const csv = exec(
      'npx',
      ['--no-install', 'mtlgrad', 'example-data', 'penguins', '--rows', '2'],
      project,
    ).stdout;
    expect(csv.split('\n')[0]).toBe(
      'Species,Island,Beak Length (mm),Beak Depth (mm),Flipper Length (mm),Body Mass (g),Sex',
    );
    expect(csv.trimEnd().split('\n')).toHaveLength(3);
  });

  it('TypeScript type-checks require and import consumers (module node16, nodenext and commonjs)', async () => {
    // @types/node for the consumer, and fast-check: the optional peer that mtlgrad/testing's types name.
    mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
    symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
    symlinkSync(join(root, 'node_modules/fast-check'), join(project, 'node_modules/fast-check'), 'dir');
    const body = `import { HardSharing, type Tensor, tensor } from 'mtlgrad';
import { gradcheck } from 'mtlgrad/testing';
import { loadSafetensors, saveSafetensorsSync } from 'mtlgrad/node';

// The chained methods come from a module augmentation, so they show that it reaches this view.
const t: Tensor = tensor([[1, 2]]).T.mul(2);
const loading: Promise<{ tensors: Record<string, Tensor> }> = loadSafetensors('model.safetensors');
const n: number = gradcheck((a) => a.sum(), [t]).checked;
saveSafetensorsSync('t.safetensors', { t });
// @ts-expect-error a Tensor is no string: the declarations are real types, not any
const wrong: string = t;
export const used = [loading, n, wrong, HardSharing.build];
`;
    // An npm init -y project is CommonJS: its .ts files are too (imports become require calls); .mts is ESM.
    writeFileSync(
      join(project, 'consumer.ts'),
      `${body}import mtl = require('mtlgrad');\nexport const fit = mtl.fit;\n`,
    );
    writeFileSync(join(project, 'consumer.mts'), body);
    const common = ['--noEmit', '--strict', '--target', 'es2022', '--types', 'node'];
    // module commonjs resolves like Node 10 (no exports map: typesVersions maps the subpaths).
    // fast-check's own declarations need node16 resolution, hence skipLibCheck there only.
    await Promise.all([
      typecheck([...common, '--module', 'node16', 'consumer.ts', 'consumer.mts']),
      typecheck([...common, '--module', 'nodenext', 'consumer.ts', 'consumer.mts']),
      typecheck([...common, '--module', 'commonjs', '--skipLibCheck', 'consumer.ts']),
    ]);
  }, 180_000);
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bareImports,
  cycles,
  importGraph,
  reachable,
  sideEffectModules,
  valueImports,
} from '../support/imports.js';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

describe('value imports in src/', () => {
  it('form no cycle', () => {
    expect(cycles(importGraph(SRC))).toEqual([]);
  });

  // Tensor's chained methods are attached by autograd/methods.ts, which tensor.ts does not import:
  // each package entry must load it, or `x.add(y)` fails at run time although it type-checks.
  it.each(['index.ts', 'testing/index.ts', 'node/index.ts', 'cli.ts'])(
    '%s loads the Tensor methods',
    (entry) => {
      expect(reachable(importGraph(SRC), entry).has('autograd/methods.ts')).toBe(true);
    },
  );
});

describe('package.json sideEffects', () => {
  // Bundlers drop a module imported only for its effect when the package says it has none.
  it('lists every module that src/ imports for its side effects', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const listed = new Set<string>(Array.isArray(pkg.sideEffects) ? pkg.sideEffects : []);
    const needed = [...sideEffectModules(SRC)].map((f) => `./dist/${f.replace(/\.ts$/, '.js')}`);
    expect(needed).toContain('./dist/autograd/methods.js');
    for (const f of needed) expect(listed.has(f), f).toBe(true);
  });
});

describe('the import reader', () => {
  it('skips type-only imports and keeps value imports, re-exports and bare imports', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "import * as ops from './ops/index.js';",
      "export { f } from './f.js';",
      "export type { G } from './g.js';",
      "import './methods.js';",
      "import { readFileSync } from 'node:fs';",
      'import {\n  h,\n  type I,\n} from "./h.js";',
    ].join('\n');
    expect(valueImports(source)).toEqual(['./d.js', './ops/index.js', './f.js', './methods.js', './h.js']);
    expect(bareImports(source)).toEqual(['./methods.js']);
  });

  it('finds a cycle through three files and ignores a chain', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts', 'd.ts']],
      ['d.ts', []],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    graph.set('c.ts', ['d.ts']);
    expect(cycles(graph)).toEqual([]);
  });
});

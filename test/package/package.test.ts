import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE_BUILTINS =
  /^(node:|fs$|path$|os$|url$|crypto$|child_process$|worker_threads$|stream$|util$|v8$|vm$)/;

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const stack = [resolve(root, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    // Comments can mention anything; drop them before looking for import statements.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    const bare: string[] = [];
    for (const s of specs) {
      if (s.startsWith('.')) stack.push(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
      else bare.push(s);
    }
    seen.set(file, bare);
  }
  return seen;
}

describe('package boundaries', () => {
  it('the main entry and mtlgrad/testing import no Node built-ins and no packages (browser-safe, zero dependencies)', () => {
    for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
      const graph = importGraph(entry);
      expect(graph.size).toBeGreaterThan(5);
      for (const [file, bare] of graph) {
        // `import type` from fast-check is erased at compile time; anything else is a runtime import.
        const runtime = bare.filter((s) => s !== 'fast-check');
        expect(runtime, file).toEqual([]);
        expect(
          bare.filter((s) => NODE_BUILTINS.test(s)),
          file,
        ).toEqual([]);
      }
    }
  });

  it('package.json has no runtime dependencies and pins dev dependencies exactly', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const [name, version] of Object.entries(pkg.devDependencies as Record<string, string>)) {
      expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(Object.keys(pkg.exports)).toEqual(['.', './testing', './node']);
  });

  it('every export has types first (CommonJS and ES declarations), then import, then default for require()', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    for (const [path, entry] of Object.entries(pkg.exports as Record<string, Record<string, unknown>>)) {
      // Conditions are tried in order: a "types" after "import" would never be reached by TypeScript.
      expect(Object.keys(entry), path).toEqual(['types', 'import', 'default']);
      const js = entry.import as string;
      expect(entry.default, path).toBe(js);
      const base = js.replace(/\.js$/, '');
      expect(entry.types, path).toEqual({ require: `${base}.d.cts`, default: `${base}.d.ts` });
      // The source file the entry is built from exists.
      expect(
        () => readFileSync(resolve(root, base.replace(/^\.\/dist\//, 'src/') + '.ts')),
        path,
      ).not.toThrow();
    }
  });
});

/**
 * Reads the value imports between the TypeScript files of a folder and finds import cycles.
 * Type-only imports (`import type`, `export type`, or braces holding only `type` names) are erased
 * by the compiler, so they cannot form a cycle at run time and are skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g;

/** True when every name inside `{...}` is marked `type` (the whole import is erased). */
function onlyTypes(clause: string): boolean {
  const m = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (m === null) return false;
  const names = m[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length > 0 && names.every((s) => s.startsWith('type '));
}

/** The relative specifiers of the value imports and re-exports in `source`. */
export function valueImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    if (m[5] !== undefined) {
      out.push(m[5]); // a bare `import './x.js'` runs the module: a value dependency
      continue;
    }
    if (m[2] !== undefined || onlyTypes(m[3])) continue;
    out.push(m[4]);
  }
  return out.filter((s) => s.startsWith('.'));
}

function listTs(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listTs(p));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(p);
  }
  return files;
}

/** The relative specifiers of bare imports (`import './x.js'`): modules loaded for what they do. */
export function bareImports(source: string): string[] {
  return [...source.matchAll(/(?:^|\n)\s*import\s+['"](\.[^'"]+)['"]/g)].map((m) => m[1]);
}

/** The files (relative to root) that some file of root imports bare, for their side effects. */
export function sideEffectModules(root: string): Set<string> {
  const found = new Set<string>();
  for (const file of listTs(root)) {
    for (const spec of bareImports(readFileSync(file, 'utf8'))) {
      found.add(relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    }
  }
  return found;
}

/** file (relative to root) → the files it imports by value. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of listTs(root)) {
    const deps = valueImports(readFileSync(file, 'utf8')).map((spec) =>
      relative(root, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))),
    );
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** The strongly connected components with more than one file (or a file importing itself), by Tarjan. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** The files `start` loads, itself included, following value imports. */
export function reachable(graph: Map<string, string[]>, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length > 0) {
    for (const next of graph.get(todo.pop()!) ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      todo.push(next);
    }
  }
  return seen;
}

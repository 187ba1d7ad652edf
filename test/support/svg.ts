/** Small structural checks on generated markup, shared by the report tests. */
import { expect } from 'vitest';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr', 'source', 'area', 'base']);

/**
 * A tiny well-formedness check: every non-void, non-self-closing tag is closed in order. Returns the
 * number of elements of each name seen. Comments and the doctype are skipped; <style> content is opaque.
 */
export function checkBalanced(html: string): Map<string, number> {
  const counts = new Map<string, number>();
  const stack: string[] = [];
  const body = html.replace(/<!doctype[^>]*>/i, '').replace(/<style>[\s\S]*?<\/style>/g, '<style></style>');
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let last = 0;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    const between = body.slice(last, m.index);
    expect(between, `stray "<" or ">" before ${m[0]}`).not.toMatch(/[<>]/);
    last = re.lastIndex;
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName!.toLowerCase();
    if (closing) {
      const open = stack.pop();
      expect(open, `</${name}> closes <${open}>`).toBe(name);
    } else {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (!selfClosing && !VOID.has(name)) stack.push(name);
    }
  }
  expect(body.slice(last), 'stray "<" or ">" at the end').not.toMatch(/[<>]/);
  expect(stack, 'unclosed elements').toEqual([]);
  return counts;
}

/** The text content (outside tags) and attribute values must never show JS artefacts. */
export function checkNoArtefacts(html: string): void {
  for (const bad of ['undefined', 'NaN', '[object Object]', 'Infinity', 'null']) {
    expect(html.includes(bad), `output contains "${bad}"`).toBe(false);
  }
}

/** All values of attribute `attr` on elements `tag`, as numbers. */
export function attrs(svg: string, tag: string, attr: string): number[] {
  const out: number[] = [];
  for (const m of svg.matchAll(new RegExp(`<${tag}(?=[\\s/>])[^>]*>`, 'g'))) {
    const a = new RegExp(`\\s${attr}="([^"]*)"`).exec(m[0]);
    if (a) out.push(Number(a[1]));
  }
  return out;
}

/** Text content of every <text> element. */
export function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

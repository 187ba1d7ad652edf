import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const outDir = resolve(root, 'test/.readme');

/** Points the README's package imports at the sources, as an installed package would resolve them. */
function localise(code: string): string {
  return code
    .replace(/from 'mtlgrad\/testing'/g, `from '${resolve(root, 'src/testing/index.ts')}'`)
    .replace(/from 'mtlgrad\/node'/g, `from '${resolve(root, 'src/node/index.ts')}'`)
    .replace(/from 'mtlgrad'/g, `from '${resolve(root, 'src/index.ts')}'`);
}

describe('README examples run', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });
  blocks.forEach((code, i) => {
    it(`block ${i + 1}: ${code.split('\n')[0].slice(0, 60)}`, async () => {
      mkdirSync(outDir, { recursive: true });
      const file = resolve(outDir, `block-${i + 1}.ts`);
      writeFileSync(file, localise(code));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(/* @vite-ignore */ file);
        expect(log).toHaveBeenCalled();
      } finally {
        log.mockRestore();
      }
    });
  });
});

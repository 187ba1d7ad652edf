/**
 * The built package in a real browser: builds dist/, serves the repository from 127.0.0.1 with the
 * headers that make a page cross-origin isolated (so SharedArrayBuffer and thus wasm threads are
 * allowed), opens test/browser/page.js in Debian's headless Chromium and checks what it reports.
 * Skipped, with the reason printed, where /usr/bin/chromium is absent (.ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
if (!hasChromium)
  console.warn(`browser test skipped: ${CHROMIUM} not found (install it with apt-get install chromium)`);

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};
const ISOLATED = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cache-Control': 'no-store',
};
const INDEX =
  '<!doctype html><meta charset="utf-8"><script type="module" src="/test/browser/page.js"></script>';

/** Static files under the repository root; '/' is a page that runs page.js. */
function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') {
      res.writeHead(204, ISOLATED).end();
      return;
    }
    if (path === '/') {
      res.writeHead(200, { ...ISOLATED, 'Content-Type': 'text/html' }).end(INDEX);
      return;
    }
    const file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, ISOLATED).end();
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...ISOLATED, 'Content-Type': type }).end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

interface PageResult {
  error?: string;
  info: { backend: string; simd: boolean; relaxedSimd: boolean; threads: number };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  losses: number[];
  matmulWorst: number;
}

describe.skipIf(!hasChromium)('the built package in headless Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let result: PageResult;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    server = await serve();
    const { port } = server.address() as AddressInfo;
    browser = await launchChromium();
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, null, {
      timeout: 30_000,
    });
    result = await page.evaluate(() => (globalThis as unknown as { __result: PageResult }).__result);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  it('loads dist/index.js as an ES module and trains: losses finite and decreasing', () => {
    expect(result.error, pageErrors.join('\n')).toBeUndefined();
    expect(pageErrors).toEqual([]);
    const { losses } = result;
    expect(losses.length).toBe(8);
    for (const l of losses) expect(Number.isFinite(l)).toBe(true);
    // Full-batch Adam with a small step on a smooth problem: every epoch lowers the loss.
    for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
  });

  it('the page is cross-origin isolated (the served COOP/COEP headers took effect)', () => {
    expect(result.crossOriginIsolated).toBe(true);
  });

  it("runs on the 'wasm' backend with WebAssembly SIMD", () => {
    expect(result.info.backend).toBe('wasm');
    expect(result.info.simd).toBe(true);
  });

  it('the wasm matmul (relaxed SIMD where present) agrees with the JS kernel within the float32 bound', () => {
    expect(result.matmulWorst).toBeLessThanOrEqual(1);
  });

  it('splits work across threads when cross-origin isolated on a multi-core machine', () => {
    if (result.crossOriginIsolated && result.hardwareConcurrency > 1) {
      expect(result.info.threads).toBeGreaterThan(1);
    } else {
      expect(result.info.threads).toBe(1);
    }
  });
});

/**
 * The playground in headless Chromium: compiles the package into test/.playground/dist, serves the page with playground/serve.mjs (cross-origin
 * isolated), picks settings, presses Train and checks that every chart appears, that the losses fall, and that
 * the downloaded safetensors file loads into the same architecture and the ONNX download gives its outputs in
 * onnxruntime-web. Screenshots go to test/.playground/ for a
 * person to look at. Skipped, with the reason printed, where /usr/bin/chromium is absent (.ci/run installs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../playground/serve.mjs';
import { decodeSafetensors, HardSharing, PLE, Rng, randn } from '../../src/index.js';
import { runOnnx } from '../io/onnx/runtime.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/chromium.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shots = join(root, 'test/.playground');
if (!hasChromium) console.warn(`playground test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

interface EpochMessage {
  epoch: number;
  trainLoss: Record<string, number>;
  valLoss: Record<string, number>;
  weights: Record<string, number>;
  conflict?: number[][];
}
interface PlaygroundState {
  status: string;
  tasks: string[];
  epochs: EpochMessage[];
  error: string | null;
}

const total = (losses: Record<string, number>) => Object.values(losses).reduce((a, b) => a + b, 0);

describe.skipIf(!hasChromium)('the playground in headless Chromium', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // A build of its own (JavaScript only), so the browser test rebuilding dist/ at the same time cannot
    // delete files under this page.
    const dist = join(shots, 'dist');
    rmSync(dist, { recursive: true, force: true });
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const flags = ['--outDir', dist, '--declaration', 'false', '--sourceMap', 'false'];
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), ...flags], {
      stdio: 'pipe',
    });
    mkdirSync(shots, { recursive: true });
    server = await startServer(0, { dist });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  });

  /** Sets the form, presses Train and waits for the run to end; returns the page's record of it. */
  async function train(options: Record<string, string>, shot: string): Promise<PlaygroundState> {
    await page.goto(url);
    for (const [name, value] of Object.entries(options)) {
      const field = page.locator(`[name=${name}]`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
      else await field.fill(value);
    }
    await page.click('#train');
    await page.waitForFunction(
      () =>
        ['done', 'error'].includes(
          (globalThis as unknown as { __playground: PlaygroundState }).__playground.status,
        ),
      null,
      { timeout: 90_000 },
    );
    await page.screenshot({ path: join(shots, shot), fullPage: true });
    return page.evaluate(() => (globalThis as unknown as { __playground: PlaygroundState }).__playground);
  }

  it('penguins, hard sharing, EW: curves, heatmap and weights appear, the losses fall, safetensors and ONNX download', async () => {
    const state = await train(
      { dataset: 'penguins', architecture: 'hard-sharing', weighting: 'ew', lambda: '0.0001', epochs: '30' },
      'penguins-hard-sharing.png',
    );
    expect(state.error, pageErrors.join('\n')).toBeNull();
    expect(pageErrors).toEqual([]);
    expect(state.tasks).toEqual(['species', 'sex', 'mass']);
    expect(state.epochs.length).toBe(30);
    const first = state.epochs[0];
    const last = state.epochs.at(-1) as EpochMessage;
    // From random weights, 30 epochs of Adam at lr 0.01 fit these tasks far better than the first epoch.
    expect(total(last.trainLoss)).toBeLessThan(0.5 * total(first.trainLoss));
    expect(total(last.valLoss)).toBeLessThan(0.7 * total(first.valLoss));
    // One loss chart per task, each with a train and a validation line; a 3×3 heatmap; one weight line per task.
    expect(await page.locator('#curves svg').count()).toBe(3);
    expect(await page.locator('#curves svg path').count()).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#conflict svg rect').count()).toBeGreaterThanOrEqual(9);
    expect(await page.locator('#weights svg').count()).toBe(1);
    expect(last.weights).toEqual({ species: 1, sex: 1, mass: 1 });
    // The conflict matrix is a cosine matrix: ones on the diagonal, symmetric, in [−1, 1].
    const c = last.conflict as number[][];
    c.forEach((row, i) =>
      row.forEach((v, j) => {
        expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-6);
        expect(v).toBeCloseTo(c[j][i], 6);
        if (i === j) expect(v).toBeCloseTo(1, 5);
      }),
    );

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = await download.path();
    const decoded = decodeSafetensors(readFileSync(file));
    const tasks = [
      { name: 'species', kind: 'classification', classes: 3 },
      { name: 'sex', kind: 'binary' },
      { name: 'mass', kind: 'regression' },
    ] as const;
    // Bill length, depth, flipper length and three one-hot islands: 6 inputs, as the page's [32, 32] trunk.
    const model = HardSharing.build({ inputs: 6, hidden: [32, 32], tasks: [...tasks], rng: new Rng(1) });
    expect(model.loadStateDict(decoded.tensors)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(JSON.parse(decoded.metadata.settings).architecture).toBe('hard-sharing');

    // The ONNX download runs in onnxruntime-web and gives the downloaded weights' outputs.
    const [onnxDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-onnx')]);
    const x = randn([5, 6], { rng: new Rng(2) });
    const out = await runOnnx(readFileSync(await onnxDownload.path()), Float32Array.from(x.data), [5, 6]);
    model.eval();
    const ours = model.forward(x);
    for (const t of ['species', 'sex', 'mass']) {
      const theirs = out[t].data;
      ours[t].data.forEach((v, i) => expect(Math.abs(theirs[i] - v)).toBeLessThanOrEqual(1e-5));
    }
  }, 120_000);

  it('Stop ends a long run after the current epoch and keeps the weights for download', async () => {
    await page.goto(url);
    await page.locator('[name=epochs]').fill('1000');
    await page.click('#train');
    const state = () =>
      page.evaluate(() => (globalThis as unknown as { __playground: PlaygroundState }).__playground);
    await page.waitForFunction(
      () => (globalThis as unknown as { __playground: PlaygroundState }).__playground.epochs.length >= 2,
      null,
      { timeout: 60_000 },
    );
    // The curves are drawn while training goes on, not only at the end.
    expect((await state()).status).toBe('training');
    await page.waitForSelector('#curves svg', { timeout: 10_000 });
    await page.click('#stop');
    await page.waitForFunction(
      () => (globalThis as unknown as { __playground: PlaygroundState }).__playground.status === 'done',
      null,
      { timeout: 60_000 },
    );
    const done = await state();
    expect(done.epochs.length).toBeGreaterThanOrEqual(2);
    expect(done.epochs.length).toBeLessThan(1000);
    expect(await page.locator('#download').isEnabled()).toBe(true);
  }, 120_000);

  it('related synthetic tasks, PLE, a gradient weighting: training runs and the loss falls', async () => {
    const state = await train(
      { dataset: 'related', architecture: 'ple', weighting: 'upgrad', activation: 'gelu', epochs: '25' },
      'related-ple-upgrad.png',
    );
    expect(state.error, pageErrors.join('\n')).toBeNull();
    expect(state.tasks).toEqual(['task1', 'task2', 'task3']);
    expect(total(state.epochs.at(-1)?.trainLoss ?? {})).toBeLessThan(0.6 * total(state.epochs[0].trainLoss));
    const ple = PLE.build({
      inputs: 8,
      tasks: state.tasks.map((name) => ({ name, kind: 'regression' as const })),
      sharedExperts: 2,
      taskExperts: 1,
      expertHidden: [16],
      levels: 2,
    });
    expect(Object.keys(ple.stateDict()).length).toBeGreaterThan(0);
  }, 120_000);
});

/**
 * A pool of workers that run parts of one GEMM on the same shared WebAssembly memory.
 *
 * The control block (Int32 words at CONTROL) is the whole protocol:
 *   [0] generation: bumped (and notified) when a new product is posted; workers wait on it;
 *   [1] number of parts of this generation;
 *   [2] claim word: (generation << 16) | next part; a thread claims a part by compare-exchange,
 *       so a worker still finishing the previous generation can never take a new part twice;
 *   [3] parts done;  [16 + 16·p ...] the 14 kernel arguments of part p.
 * The posting thread claims parts too, so a product finishes even if no worker has started yet
 * (a browser may not start a worker until the page yields). Node's main thread then sleeps in
 * Atomics.wait; a browser's main thread may not block, so it spins. Workers are unref'd in Node,
 * so they never keep a process alive.
 */
export const CONTROL = 0;
const ARGS = 16;
const ARG_STRIDE = 16;
export const MAX_PARTS = 32;
/**
 * How long a thread spins on the control block before it sleeps (ms). A training step's products
 * come in bursts with up to a few ms of single-threaded work between them (losses, small heads,
 * the optimiser); a worker that slept through such a gap is woken late, and measured on the
 * reference train step, spinning 0.5 ms left the second thread idle (2 threads as fast as 1),
 * 2–5 ms made it pay. OpenMP runtimes spin far longer by default.
 */
const SPIN_MS = 5;
/** Bytes the control block needs at address CONTROL. */
export const CONTROL_BYTES = (ARGS + ARG_STRIDE * MAX_PARTS) * 4;

/** The worker's program, as source: it instantiates the module on the shared memory and loops. */
const WORKER_SOURCE = `
const start = (init) => {
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const gemm = instance.exports.gemm;
  const ctl = new Int32Array(init.memory.buffer, ${CONTROL}, ${CONTROL_BYTES / 4});
  let seen = Atomics.load(ctl, 0);
  for (;;) {
    // Spin briefly before sleeping: products come in bursts (a training step), and waking from
    // Atomics.wait costs tens of microseconds, more than a small product takes.
    const until = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctl, 0) === seen && performance.now() < until) {}
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (seen < 0) return;
    const tag = (seen & 0x7fff) << 16;
    for (;;) {
      const v = Atomics.load(ctl, 2);
      if ((v & ~0xffff) !== tag || (v & 0xffff) >= ctl[1]) break;
      if (Atomics.compareExchange(ctl, 2, v, v + 1) !== v) continue;
      const a = ${ARGS} + ${ARG_STRIDE} * (v & 0xffff);
      gemm(ctl[a], ctl[a+1], ctl[a+2], ctl[a+3], ctl[a+4], ctl[a+5], ctl[a+6], ctl[a+7], ctl[a+8], ctl[a+9],
        ctl[a+10], ctl[a+11], ctl[a+12], ctl[a+13]);
      Atomics.add(ctl, 3, 1);
      Atomics.notify(ctl, 3);
    }
  }
};
if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
else self.onmessage = (e) => start(e.data);
`;

interface AnyWorker {
  postMessage(message: unknown): void;
  unref?: () => void;
  terminate(): unknown;
}

type WorkerCtor = new (source: string, options?: Record<string, unknown>) => AnyWorker;

/** Starts one worker running WORKER_SOURCE, in Node or in a browser; null where neither works. */
function spawnWorker(): AnyWorker | null {
  const g = globalThis as {
    process?: { getBuiltinModule?: (id: string) => { Worker?: WorkerCtor } | undefined };
    Worker?: WorkerCtor;
    Blob?: new (parts: string[], options: { type: string }) => object;
    URL?: { createObjectURL(blob: object): string };
  };
  try {
    const nodeWorker = g.process?.getBuiltinModule?.('node:worker_threads')?.Worker;
    if (nodeWorker !== undefined) {
      const w = new nodeWorker(WORKER_SOURCE, { eval: true });
      w.unref?.();
      return w;
    }
    if (g.Worker !== undefined && g.Blob !== undefined && g.URL !== undefined) {
      const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      return new g.Worker(url);
    }
  } catch {
    // A page whose CSP forbids blob workers, or a runtime without workers: run single-threaded.
  }
  return null;
}

/** Cores this machine offers, capped at 4 (the default thread count). */
export function defaultThreadCount(): number {
  const g = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => { availableParallelism?: () => number } | undefined };
  };
  let n = g.navigator?.hardwareConcurrency;
  if (n === undefined) n = g.process?.getBuiltinModule?.('node:os')?.availableParallelism?.();
  return Math.max(1, Math.min(4, n ?? 1));
}

export class ThreadPool {
  private readonly workers: AnyWorker[] = [];
  private readonly ctl: Int32Array;
  private generation = 0;
  private canBlock = true;

  constructor(
    module: object,
    memory: { buffer: ArrayBuffer | SharedArrayBuffer },
    private readonly run: (args: number[]) => void,
    workerCount: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, CONTROL, CONTROL_BYTES / 4);
    for (let i = 0; i < workerCount; i++) {
      const w = spawnWorker();
      if (w === null) break;
      w.postMessage({ module, memory });
      this.workers.push(w);
    }
  }

  /** Worker threads running (the posting thread works too). */
  get size(): number {
    return this.workers.length;
  }

  /** Runs every part (each a list of 14 kernel arguments) across the pool and this thread. */
  runParts(parts: number[][]): void {
    const ctl = this.ctl;
    const count = parts.length;
    if (count > MAX_PARTS) throw new RangeError(`ThreadPool: at most ${MAX_PARTS} parts`);
    for (let p = 0; p < count; p++) ctl.set(parts[p], ARGS + ARG_STRIDE * p);
    this.generation = (this.generation + 1) & 0x7fff;
    const tag = this.generation << 16;
    ctl[1] = count;
    Atomics.store(ctl, 3, 0);
    Atomics.store(ctl, 2, tag);
    Atomics.store(ctl, 0, this.generation);
    Atomics.notify(ctl, 0);
    for (;;) {
      const v = Atomics.load(ctl, 2);
      if ((v & 0xffff) >= count) break;
      if (Atomics.compareExchange(ctl, 2, v, v + 1) !== v) continue;
      this.run(parts[v & 0xffff]);
      Atomics.add(ctl, 3, 1);
    }
    this.waitDone(count);
  }

  private waitDone(count: number): void {
    const ctl = this.ctl;
    const until = performance.now() + SPIN_MS;
    for (let done = Atomics.load(ctl, 3); done < count; done = Atomics.load(ctl, 3)) {
      if (!this.canBlock || performance.now() < until) continue;
      try {
        Atomics.wait(ctl, 3, done, 50);
      } catch {
        this.canBlock = false; // a browser's main thread: spin instead
      }
    }
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.ctl, 0, -1);
    Atomics.notify(this.ctl, 0);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}

/**
 * A terminal progress line for `fit`: pass `reporter: terminalProgress()` and it redraws
 * "epoch 3/100  41.2 steps/s  loss: a 0.1234  b 0.5678" on stderr, and ends each epoch with its
 * mean losses. By default it draws only when the stream is a terminal.
 */
import type { EpochRecord, FitReporter, StepRecord } from '../mtl/config.js';

/** Where the line goes (process.stderr by default). */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link terminalProgress}. */
export interface ProgressOptions {
  /** Where the line is drawn (default process.stderr). */
  stream?: ProgressStream;
  /** Draw even when the stream is not a terminal (default false). */
  always?: boolean;
  /** Redraw after every step (default true); false draws once per epoch. */
  perStep?: boolean;
}

function losses(values: Record<string, number>): string {
  return Object.entries(values)
    .map(([n, l]) => `${n} ${Number.isNaN(l) ? '-' : l.toFixed(4)}`)
    .join('  ');
}

/** A {@link FitReporter} drawing a progress line on a terminal. */
export function terminalProgress(options: ProgressOptions = {}): FitReporter {
  const stream = options.stream ?? process.stderr;
  if (!(options.always === true || stream.isTTY === true)) return {};
  const perStep = options.perStep !== false;
  let epochs = 0;
  let started = 0;
  let steps = 0;
  return {
    start(info) {
      epochs = info.epochs;
      started = performance.now();
    },
    step(rec: StepRecord) {
      steps++;
      if (!perStep) return;
      const rate = steps / Math.max((performance.now() - started) / 1000, 1e-9);
      stream.write(
        `\r\x1b[Kepoch ${rec.epoch + 1}/${epochs}  ${rate.toFixed(1)} steps/s  loss: ${losses(rec.losses)}`,
      );
    },
    epoch(rec: EpochRecord) {
      stream.write(
        `\r\x1b[Kepoch ${rec.epoch + 1}/${epochs}  loss: ${losses(rec.trainLoss)}  (${rec.seconds.toFixed(2)}s)`,
      );
    },
    end() {
      stream.write('\n');
    },
  };
}

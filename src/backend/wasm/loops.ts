/** Structured-loop helpers over {@link Code}, so kernel generators read like the loops they emit. */
import type { Code, Local } from './code.js';

/** `for (i = start; i < end; i += step) body()`, with `start`, `end` and `step` pushed by callbacks. */
export function forRange(
  c: Code,
  i: Local,
  start: (c: Code) => void,
  end: (c: Code) => void,
  step: number,
  body: () => void,
): void {
  start(c);
  c.localSet(i);
  c.block().loop();
  c.localGet(i);
  end(c);
  c.i32GeS().brIf(1);
  body();
  c.localGet(i).i32Const(step).i32Add().localSet(i);
  c.br(0).end().end();
}

/** `do { body() } while (--n !== 0)` for a counter that is already positive. */
export function countDown(c: Code, n: Local, body: () => void): void {
  c.loop();
  body();
  c.localGet(n).i32Const(1).i32Sub().localTee(n).brIf(0);
  c.end();
}

/** `x += v` for an i32 local. */
export function addTo(c: Code, x: Local, v: number | Local): void {
  c.localGet(x);
  if (typeof v === 'number') c.i32Const(v);
  else c.localGet(v);
  c.i32Add().localSet(x);
}

/** `min(a, b)` of two i32 values computed by callbacks (each evaluated once into a temp). */
export function minI32(c: Code, out: Local, a: Local, b: Local): void {
  c.localGet(a).localGet(b).localGet(a).localGet(b).i32LtS().select().localSet(out);
}

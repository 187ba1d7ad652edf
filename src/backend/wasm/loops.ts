/** Structured-loop helpers over {@link Code}, so kernel generators read like the loops they emit. */
import type { Code, Local } from './code.js';

/** Pushes an i32 operand: a constant or a local's value. */
export function push(c: Code, v: number | Local): void {
  if (typeof v === 'number') c.i32Const(v);
  else c.localGet(v);
}

/** `for (i = start; i < end; i += step) body()` (signed comparison). */
export function forRange(
  c: Code,
  i: Local,
  start: number | Local,
  end: number | Local,
  step: number,
  body: () => void,
): void {
  push(c, start);
  c.localSet(i);
  c.block().loop();
  c.localGet(i);
  push(c, end);
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
  push(c, v);
  c.i32Add().localSet(x);
}

/** Pushes `base + i·stride` (an address), each term a constant or a local. */
export function address(c: Code, base: number | Local, i: number | Local, stride: number | Local): void {
  push(c, base);
  push(c, i);
  push(c, stride);
  c.i32Mul().i32Add();
}

/** `out = min(a, b − sub)` (signed), e.g. the size of the last, partial block. */
export function minRest(c: Code, out: Local, a: number, b: Local, sub: Local): void {
  const rest = () => c.localGet(b).localGet(sub).i32Sub();
  c.i32Const(a);
  rest();
  c.i32Const(a);
  rest();
  c.i32LtS().select().localSet(out);
}

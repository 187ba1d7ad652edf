/** Whether operations record a graph. Off inside noGrad() and while backward runs. */
let enabled = true;

/** Whether ops record the graph now (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording any graph: results do not require grad and hold no references
 * to their inputs. Use it for evaluation, metrics and in-place parameter updates.
 * `fn` must be synchronous (the mode is restored when it returns).
 */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs `fn` with graph recording on, even inside noGrad(). */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

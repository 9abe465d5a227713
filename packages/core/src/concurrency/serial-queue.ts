/**
 * Runs the actions given to it one at a time, in call order: each starts once the one before has
 * settled, whether it resolved or threw, and its own result or error goes to its caller only. For
 * steps that must not interleave (an update's journal steps, a lock's compare-and-swap renewals).
 */
export function serialQueue(): <T>(action: () => T | Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(action: () => T | Promise<T>): Promise<T> => {
    const run = tail.then(() => action());
    tail = run.catch(() => {});
    return run;
  };
}

/**
 * Runs workflow handlers one at a time, in arrival order (a mutex without a dependency): each
 * transition sees the state the previous one left, even while an activity is in flight.
 */

/** A serial runner: `run(fn)` starts `fn` after every earlier `fn` has settled. */
export type SerialRunner = <T>(fn: () => Promise<T>) => Promise<T>;

/** Creates a serial runner and a probe telling whether it is idle. */
export function createSerial(): { run: SerialRunner; idle: () => boolean } {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  const run: SerialRunner = (fn) => {
    pending += 1;
    const result = tail.then(fn).finally(() => {
      pending -= 1;
    });
    tail = result.catch(() => undefined);
    return result;
  };
  return { run, idle: () => pending === 0 };
}

/**
 * Bounded, ordered concurrency for per-row imports (批量导入): rows run `limit` at a time, results
 * come back in input order, and rows sharing a key (the same reference) run one after the other.
 */
export async function* mapInOrder<T, R>(items: Iterable<T>, limit: number, keysOf: (t: T) => string[], fn: (t: T) => Promise<R>): AsyncGenerator<R> {
  const window: Promise<R>[] = [];
  const lastByKey = new Map<string, Promise<R>>();
  for (const item of items) {
    const keys = keysOf(item);
    const before = keys.map((k) => lastByKey.get(k)).filter((p): p is Promise<R> => p !== undefined);
    const p = Promise.all(before).then(() => fn(item));
    for (const k of keys) lastByKey.set(k, p);
    void p.then(() => {
      for (const k of keys) if (lastByKey.get(k) === p) lastByKey.delete(k);
    });
    window.push(p);
    if (window.length >= limit) yield await (window.shift() as Promise<R>);
  }
  while (window.length > 0) yield await (window.shift() as Promise<R>);
}

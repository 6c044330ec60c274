/** Classifies database errors for the commit activities. */

/**
 * Whether a database error is about the data itself (SQLSTATE class 22, e.g. a NUL byte or an
 * unpaired surrogate in a text), so that retrying can never succeed.
 */
export function isPermanentDataError(err: unknown): boolean {
  const seen = new Set<unknown>();
  const texts: string[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || seen.has(e) || depth > 4) return;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const k of ['code', 'originalCode', 'message', 'kind']) if (typeof o[k] === 'string') texts.push(o[k] as string);
    for (const k of ['cause', 'meta', 'driverAdapterError']) walk(o[k], depth + 1);
  };
  walk(err, 0);
  return texts.some((t) => /^22[0-9A-Z]{3}$/.test(t) || /invalid byte sequence|unsupported Unicode escape|invalid input syntax|value too long|out of range/i.test(t));
}

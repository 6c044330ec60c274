/**
 * Checked-in workflow histories (test/histories/<release>/*.json): protobuf's own JSON object
 * form (enums and longs as strings, bytes as base64), so a file reads in review and loads back
 * into the exact History the server sent.
 */
import { createRequire } from 'node:module';
import type * as Proto from '@temporalio/proto';

// @temporalio/proto is CommonJS: require it, so the histories the client returns and these are one copy.
const { temporal } = createRequire(import.meta.url)('@temporalio/proto') as typeof Proto;
type History = Proto.temporal.api.history.v1.History;
const HistoryType = temporal.api.history.v1.History;

/** A history as the text of a file. */
export function historyToFile(history: Proto.temporal.api.history.v1.IHistory): string {
  const msg = HistoryType.fromObject(history as Record<string, unknown>);
  return `${JSON.stringify(HistoryType.toObject(msg, { longs: String, enums: String, bytes: String }), null, 1)}\n`;
}

/** A history read back from a file. */
export function historyFromFile(text: string): History {
  return HistoryType.fromObject(JSON.parse(text) as Record<string, unknown>);
}

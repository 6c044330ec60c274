/**
 * The body of a table import (项目库、资产台账、存量贷款、存量岗位): the CSV bytes the raw body
 * parser kept, and a file the reader cannot read refused as a 400 naming `body`.
 */
import { AppError } from '../../http/app-error';
import { TableFileError } from '../../services/read-table-file';

/** The request body as bytes; anything else is refused naming `body`. */
export function tableBytesOf(body: unknown): Uint8Array {
  if (Buffer.isBuffer(body)) return new Uint8Array(body);
  throw new AppError('INVALID_INPUT', 'body: send the CSV file as the request body (Content-Type: text/csv)', { field: 'body' });
}

/** Runs an import, turning an unreadable file into a 400 naming `body`. */
export async function readableTable<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TableFileError) throw new AppError('INVALID_INPUT', `body: ${err.message}`, { field: 'body' });
    throw err;
  }
}

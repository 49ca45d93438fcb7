/**
 * @module accountability/store/file-ref
 * Content reference of a file for a RunRecord: its path, SHA-256 and size, hashed as a stream so
 * that large data files are never held in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FileRef } from '../record.js';

/**
 * Hashes a file into a FileRef.
 * @example await fileRef('data.csv', 'data') // { path: 'data.csv', sha256: '9f86…', bytes: 1234, role: 'data' }
 */
export async function fileRef(path: string, role?: string): Promise<FileRef & { readonly bytes: number }> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  const { size } = await stat(path);
  return { path, sha256: h.digest('hex'), bytes: size, ...(role === undefined ? {} : { role }) };
}

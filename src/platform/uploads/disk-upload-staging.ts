/**
 * Resumable uploads' bytes on local disk while they arrive: one file per upload under one folder,
 * named by the upload's id (checked to be a UUID, so a client can never make it name a path).
 * In a deployment with several API processes, the folder must be shared by them (or the load
 * balancer must send an upload's requests to one process).
 */
import { mkdirSync } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../core/errors.js';
import type { UploadStaging } from '../../core/ports.js';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Opens (creating if need be) a staging folder.
 *
 * @example
 * const staging = createDiskUploadStaging({ root: '/var/lib/datadam/uploads' });
 * const offset = await staging.append(uploadId, 0, request.raw, length);
 */
export function createDiskUploadStaging(options: { root: string }): UploadStaging {
  const root = path.resolve(options.root);
  mkdirSync(root, { recursive: true });

  function fileOf(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new AppError('bad_request', 'An upload id is a UUID');
    return path.join(root, `${id}.part`);
  }

  return {
    async append(id, offset, body, maxBytes) {
      const file = fileOf(id);
      let handle: FileHandle;
      try {
        handle = await open(file, 'r+');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        handle = await open(file, 'w+', 0o600);
      }
      let written = 0;
      try {
        const { size } = await handle.stat();
        if (size < offset) throw new AppError('conflict', `Only ${size} bytes of this upload are staged, not ${offset}`);
        // Bytes past the recorded offset come from a request whose end was never recorded: drop them.
        if (size > offset) await handle.truncate(offset);
        try {
          for await (const chunk of body) {
            if (written + chunk.byteLength > maxBytes) {
              await handle.truncate(offset);
              written = 0;
              throw new AppError('payload_too_large', `The request brings more than the ${maxBytes} bytes this upload still lacks`);
            }
            await handle.write(chunk, 0, chunk.byteLength, offset + written);
            written += chunk.byteLength;
          }
        } catch (error) {
          if (error instanceof AppError) throw error;
          // The body broke off (the client went away): what arrived is kept, and is the new offset.
        }
        await handle.sync();
        return offset + written;
      } finally {
        await handle.close();
      }
    },

    async read(id) {
      const file = fileOf(id);
      try {
        await stat(file);
      } catch {
        throw new AppError('not_found', 'Nothing is staged for this upload');
      }
      const handle = await open(file, 'r');
      return handle.createReadStream();
    },

    async remove(id) {
      await rm(fileOf(id), { force: true });
    },
  };
}

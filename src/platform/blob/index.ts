/**
 * The blob store adapters and the one place that picks between them by configuration.
 */
import type { BlobConfig } from '../../core/config.js';
import type { BlobStore } from '../../core/ports.js';
import { createFsBlobStore } from './fs-blob-store.js';
import { createS3BlobStore } from './s3-blob-store.js';

export { createFsBlobStore, type FsBlobStoreOptions } from './fs-blob-store.js';
export { createS3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
export { assertBlobKey } from './keys.js';

/**
 * Opens the blob store the configuration names: a local folder or an S3-compatible bucket.
 *
 * @example
 * const blobs = openBlobStore(loadConfig(process.env).blob);
 */
export function openBlobStore(config: BlobConfig): BlobStore {
  switch (config.kind) {
    case 'fs':
      return createFsBlobStore({ root: config.root });
    case 's3': {
      const { kind: _kind, ...options } = config;
      return createS3BlobStore(options);
    }
  }
}

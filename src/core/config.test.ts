import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to SQLite and a blob folder inside ./.datadam, port 8080', () => {
    const config = loadConfig({});
    expect(config.db).toEqual({ kind: 'sqlite', file: path.resolve('.datadam/datadam.db') });
    expect(config.blob).toEqual({ kind: 'fs', root: path.resolve('.datadam/blobs') });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.cookieSecure).toBe(false);
    expect(config.oidc).toBeUndefined();
  });

  it('puts the embedded files in --data-dir, and lets flags beat the environment', () => {
    const config = loadConfig({ DATADAM_DATA_DIR: '/env-dir', PORT: '9000' }, { dataDir: '/flag-dir', port: '9100' });
    expect(config.db).toEqual({ kind: 'sqlite', file: '/flag-dir/datadam.db' });
    expect(config.blob).toEqual({ kind: 'fs', root: '/flag-dir/blobs' });
    expect(config.port).toBe(9100);
  });

  it('reads PostgreSQL and S3 locations', () => {
    const config = loadConfig({
      DATADAM_DB: 'postgres://u:p@db:5432/datadam',
      DATADAM_BLOB: 's3://datadam-blobs/prefix/here?endpoint=http://minio:9000&region=ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(config.db).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/datadam' });
    expect(config.blob).toEqual({
      kind: 's3',
      bucket: 'datadam-blobs',
      endpoint: 'http://minio:9000',
      region: 'ap-northeast-2',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      prefix: 'prefix/here',
    });
  });

  it('refuses what it cannot use, saying what it expected', () => {
    expect(() => loadConfig({ DATADAM_DB: 'mysql://db/x' })).toThrow(/SQLite file path or a postgres:\/\/ URL/);
    expect(() => loadConfig({ DATADAM_BLOB: 'ftp://x/y' })).toThrow(/folder or an s3:\/\/ URL/);
    expect(() => loadConfig({ DATADAM_BLOB: 's3://ab' })).toThrow(/3 to 63/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => loadConfig({ DATADAM_OIDC_ISSUER: 'https://idp' })).toThrow(/DATADAM_OIDC_CLIENT_ID/);
    expect(() => loadConfig({ DATADAM_RELEASE_INLINE_BYTES: '-1' })).toThrow(/DATADAM_RELEASE_INLINE_BYTES must be zero or a positive/);
  });

  it('builds releases of versions past 64 MiB in the background, unless told otherwise (0: all of them)', () => {
    expect(loadConfig({}).releaseInlineBytes).toBe(64 * 1024 * 1024);
    expect(loadConfig({ DATADAM_RELEASE_INLINE_BYTES: '0' }).releaseInlineBytes).toBe(0);
  });

  it('marks cookies secure behind an https public address', () => {
    expect(loadConfig({ DATADAM_PUBLIC_URL: 'https://data.example.go.kr/' }).cookieSecure).toBe(true);
    expect(loadConfig({ DATADAM_PUBLIC_URL: 'https://data.example.go.kr/' }).publicUrl).toBe('https://data.example.go.kr');
  });
});

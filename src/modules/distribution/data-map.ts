/**
 * What releases tell the data map's dataset pages (the catalog's `ReleaseExtras`): the quality
 * summary a release carries, and its first rows where the caller's rights allow a preview.
 */
import type { Actor } from '../../core/auth/policy.js';
import { isAppError } from '../../core/errors.js';
import type { DatasetQuality, DatasetSamples, ReleaseExtras } from '../catalog/datasets.service.js';
import type { DownloadsService } from './downloads.service.js';
import type { ReleasesService } from './releases.service.js';

/** Refusals that mean "not for this caller", not a fault. */
const NOT_FOR_CALLER = [401, 403, 404];

export function releaseExtrasForDataMap({
  releases,
  downloads,
}: {
  releases: Pick<ReleasesService, 'get'>;
  downloads: Pick<DownloadsService, 'preview'>;
}): ReleaseExtras {
  const releaseFor = async (actor: Actor, id: string) => {
    try {
      return await releases.get(actor, id);
    } catch (error) {
      if (isAppError(error) && NOT_FOR_CALLER.includes(error.status)) return undefined;
      throw error;
    }
  };
  return {
    async quality(actor, id): Promise<DatasetQuality | null> {
      const release = await releaseFor(actor, id);
      if (!release?.qualityReport) return null;
      const { records, indicators } = release.qualityReport;
      return { releaseId: release.id, semver: release.semver, records, indicators };
    },

    async samples(actor, id, rows): Promise<DatasetSamples | null> {
      const release = await releaseFor(actor, id);
      const table = release?.downloadable ? release.files.find((f) => f.format === 'parquet' && f.path.startsWith('data/')) : undefined;
      if (!release || !table) return null;
      try {
        const preview = await downloads.preview(actor, release.id, table.path);
        if (preview.kind !== 'table') return null;
        return {
          releaseId: release.id,
          semver: release.semver,
          path: table.path,
          columns: preview.columns,
          rows: preview.rows.slice(0, rows),
        };
      } catch (error) {
        if (isAppError(error) && NOT_FOR_CALLER.includes(error.status)) return null;
        throw error;
      }
    },
  };
}

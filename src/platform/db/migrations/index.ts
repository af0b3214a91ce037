import type { Migration } from 'kysely';
import * as m0001 from './0001_identity.js';
import * as m0002 from './0002_jobs.js';
import * as m0003 from './0003_census.js';
import * as m0004 from './0004_census_imports.js';
import * as m0005 from './0005_catalog_search.js';
import * as m0006 from './0006_harvest.js';
import * as m0007 from './0007_harvest_lock.js';
import * as m0008 from './0008_catalog_ranking.js';
import * as m0009 from './0009_refinery.js';
import * as m0010 from './0010_refinery_analysis.js';
import * as m0011 from './0011_deid.js';
import * as m0012 from './0012_catalog_facet_combinations.js';
import * as m0013 from './0013_evaluation.js';
import * as m0014 from './0014_distribution.js';
import * as m0015 from './0015_ledger.js';
import * as m0016 from './0016_catalog_term_freqs.js';
import * as m0017 from './0017_release_builds.js';

/**
 * Every migration, in order. Migrations are frozen once they land: fix forward with a new one.
 * Names sort lexically, so keep the four-digit prefix.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_identity': m0001,
  '0002_jobs': m0002,
  '0003_census': m0003,
  '0004_census_imports': m0004,
  '0005_catalog_search': m0005,
  '0006_harvest': m0006,
  '0007_harvest_lock': m0007,
  '0008_catalog_ranking': m0008,
  '0009_refinery': m0009,
  '0010_refinery_analysis': m0010,
  '0011_deid': m0011,
  '0012_catalog_facet_combinations': m0012,
  '0013_evaluation': m0013,
  '0014_distribution': m0014,
  '0015_ledger': m0015,
  '0016_catalog_term_freqs': m0016,
  '0017_release_builds': m0017,
};

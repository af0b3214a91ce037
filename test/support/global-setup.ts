import type { TestProject } from 'vitest/node';
import { startPostgres, type RunningPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the PostgreSQL server tests may create databases on. */
    pgUrl: string;
  }
}

let server: RunningPostgres | undefined;

/** One PostgreSQL server for the whole run; each test file makes its own database on it. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATADAM_TEST_PG;
  if (!url) {
    server = await startPostgres();
    url = server.url;
  }
  project.provide('pgUrl', url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

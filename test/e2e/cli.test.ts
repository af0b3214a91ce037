/** The `datadam` command as a user runs it: help, exit codes, --json, --data-dir and DATADAM_DB. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { createEmptyDatabase } from '../support/databases.js';

const freshDir = () => mkdtempSync(path.join(os.tmpdir(), 'datadam-cli-'));

describe('datadam CLI', () => {
  it('prints help with exit 0, and exit 2 for bad usage', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('serve');
    expect(help.stdout).toContain('admin');
    const adminHelp = await runCli(['admin', 'create-user', '--help']);
    expect(adminHelp.code).toBe(0);
    expect(adminHelp.stdout).toContain('--data-dir');

    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command/);
    const missing = await runCli(['admin', 'create-org', '--slug', 'x']);
    expect(missing.code).toBe(2);
    const badChoice = await runCli(['admin', 'create-org', '--slug', 'x', '--name', 'x', '--kind', 'castle']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(/castle/);
  });

  it('migrates a fresh data folder once, and reports it in JSON', async () => {
    const dir = freshDir();
    const first = await runCli(['migrate', '--data-dir', dir, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).applied).toContain('0001_identity');
    const second = await runCli(['migrate', '--data-dir', dir, '--json']);
    expect(JSON.parse(second.stdout).applied).toEqual([]);
  });

  it('administers organisations, users, roles and tokens', async () => {
    const dir = freshDir();
    const org = await runCli([
      'admin',
      'create-org',
      '--data-dir',
      dir,
      '--slug',
      'kostat',
      '--name',
      '통계청',
      '--name-en',
      'Statistics Korea',
      '--kind',
      'agency',
      '--json',
    ]);
    expect(org.code, org.stderr).toBe(0);
    expect(JSON.parse(org.stdout)).toMatchObject({ slug: 'kostat', name: '통계청', kind: 'agency' });

    const duplicate = await runCli(['admin', 'create-org', '--data-dir', dir, '--slug', 'kostat', '--name', '통계청', '--kind', 'agency']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('exists already');

    const user = await runCli(
      ['admin', 'create-user', '--data-dir', dir, '--email', 'Kim@Kostat.go.kr', '--name', '김통계', '--password-stdin', '--json'],
      {
        input: 'a-long-enough-password\n',
      },
    );
    expect(user.code, user.stderr).toBe(0);
    expect(JSON.parse(user.stdout)).toMatchObject({ email: 'kim@kostat.go.kr', displayName: '김통계' });
    expect(JSON.parse(user.stdout).password).toBeUndefined();

    const generated = await runCli([
      'admin',
      'create-user',
      '--data-dir',
      dir,
      '--email',
      'lee@kostat.go.kr',
      '--name',
      '이통계',
      '--json',
    ]);
    expect(JSON.parse(generated.stdout).password).toMatch(/^.{20}$/);

    const grant = await runCli([
      'admin',
      'grant-role',
      '--data-dir',
      dir,
      '--user',
      'kim@kostat.go.kr',
      '--org',
      'kostat',
      '--role',
      'steward',
      '--json',
    ]);
    expect(grant.code, grant.stderr).toBe(0);
    expect(JSON.parse(grant.stdout)).toMatchObject({ role: 'steward', orgName: '통계청' });

    const token = await runCli([
      'admin',
      'create-token',
      '--data-dir',
      dir,
      '--user',
      'kim@kostat.go.kr',
      '--org',
      'kostat',
      '--name',
      'etl',
      '--scopes',
      'read,write',
      '--json',
    ]);
    expect(token.code, token.stderr).toBe(0);
    const created = JSON.parse(token.stdout) as { token: string; info: { id: string; scopes: string[] } };
    expect(created.token).toMatch(/^ddm_/);
    expect(created.info.scopes).toEqual(['read', 'write']);

    const outsider = await runCli([
      'admin',
      'create-token',
      '--data-dir',
      dir,
      '--user',
      'lee@kostat.go.kr',
      '--org',
      'kostat',
      '--name',
      'x',
    ]);
    expect(outsider.code).toBe(1);

    const revoke = await runCli(['admin', 'revoke-token', created.info.id, '--data-dir', dir, '--json']);
    expect(revoke.code, revoke.stderr).toBe(0);

    const badScope = await runCli([
      'admin',
      'create-token',
      '--data-dir',
      dir,
      '--user',
      'kim@kostat.go.kr',
      '--org',
      'kostat',
      '--name',
      'x',
      '--scopes',
      'root',
    ]);
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toContain('Unknown scope root');
  }, 90_000); // a dozen CLI processes, each starting Node

  it('honours DATADAM_DB with a PostgreSQL URL', async () => {
    const { config, drop } = await createEmptyDatabase('postgres');
    try {
      const url = config.kind === 'postgres' ? config.url : '';
      const org = await runCli(['admin', 'create-org', '--slug', 'pg-org', '--name', '피지', '--kind', 'company', '--json'], {
        env: { DATADAM_DB: url, DATADAM_DATA_DIR: freshDir() },
      });
      expect(org.code, org.stderr).toBe(0);
      const list = await runCli(['admin', 'list-orgs', '--json'], { env: { DATADAM_DB: url, DATADAM_DATA_DIR: freshDir() } });
      expect(JSON.parse(list.stdout).map((o: { slug: string }) => o.slug)).toEqual(['pg-org']);
    } finally {
      await drop();
    }
  });

  it('explains a DATADAM_DB it cannot use, with exit 2', async () => {
    const result = await runCli(['migrate', '--json'], { env: { DATADAM_DB: 'mysql://localhost/x' } });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error.message).toContain('DATADAM_DB must be a SQLite file path or a postgres:// URL');
  });
});

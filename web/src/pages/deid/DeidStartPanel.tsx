// "비식별 처리 / De-identify" on a refinery version: a policy editor (YAML, prefilled with a sensible
// default) and optional table settings (quasi-identifiers of a CSV file and the k to reach); the
// run starts as a job and the page moves to it. Problems from a 422 are listed by field.
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { currentLanguage } from '../../i18n';
import { ErrorBox, formatDateTime } from '../census/common';
import type { ManifestFile } from '../refinery/refineryApi';
import { DeidStatusBadge } from './DeidHomePage';
import { DEFAULT_POLICY, runsQuery, startRun, type DeidTableSetting } from './deidApi';

interface TableRow {
  file: string;
  quasi: string;
  k: string;
}

function problemsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => `${p.field}: ${currentLanguage() === 'ko' && p.messageKo ? p.messageKo : p.message}`);
}

export function DeidStartPanel({ versionId, files, canStart }: { versionId: string; files: ManifestFile[]; canStart: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const runs = useQuery(runsQuery(versionId));
  const csvFiles = files.filter((f) => f.format === 'csv');
  const [open, setOpen] = useState(false);
  const [policy, setPolicy] = useState(DEFAULT_POLICY);
  const [tables, setTables] = useState<TableRow[]>([]);
  const [skipImages, setSkipImages] = useState(false);
  const start = useMutation({
    mutationFn: () => {
      const settings: DeidTableSetting[] = tables
        .filter((row) => row.file && row.quasi.trim())
        .map((row) => ({
          file: row.file,
          quasi: row.quasi
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
          k: Number(row.k) || 5,
        }));
      return startRun({ versionId, policy, ...(settings.length ? { tables: settings } : {}), ...(skipImages ? { images: 'skip' } : {}) });
    },
    onSuccess: async (run) => navigate({ to: '/deid/runs/$id', params: { id: run.id } }),
  });
  const update = (i: number, patch: Partial<TableRow>) => setTables(tables.map((row, j) => (j === i ? { ...row, ...patch } : row)));
  const problems = problemsOf(start.error);

  return (
    <section className="dd-panel" aria-labelledby="deid-start-title">
      <h2 id="deid-start-title" className="dd-panel-subtitle dd-first">
        {t('deid.start.title')}
      </h2>
      <p className="dd-body">{t('deid.start.lead')}</p>
      {runs.data && runs.data.length > 0 && (
        <ul className="dd-deid-runs">
          {runs.data.map((run) => (
            <li key={run.id}>
              <Link to="/deid/runs/$id" params={{ id: run.id }}>
                {formatDateTime(run.createdAt)}
              </Link>{' '}
              <DeidStatusBadge status={run.status} />
              {run.outputVersionNumber !== null && <span className="dd-muted"> → v{run.outputVersionNumber}</span>}
            </li>
          ))}
        </ul>
      )}
      {canStart && !open && (
        <button type="button" className="krds-btn primary" onClick={() => setOpen(true)}>
          {t('deid.start.open')}
        </button>
      )}
      {canStart && open && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate();
          }}
        >
          <div className="form-group">
            <div className="form-tit">
              <label htmlFor="deid-policy">{t('deid.start.policy')}</label>
            </div>
            <div className="form-conts">
              <textarea
                id="deid-policy"
                className="krds-input dd-code"
                rows={18}
                spellCheck={false}
                value={policy}
                onChange={(e) => setPolicy(e.target.value)}
              />
              <p className="form-hint">{t('deid.start.policyHint')}</p>
            </div>
          </div>

          <fieldset className="dd-deid-tables">
            <legend>{t('deid.start.tables')}</legend>
            <p className="form-hint">{t('deid.start.tablesHint')}</p>
            {tables.map((row, i) => (
              <div key={i} className="dd-deid-table-row" data-table-row={i}>
                <label>
                  {t('deid.start.file')}
                  <select className="krds-form-select" value={row.file} onChange={(e) => update(i, { file: e.target.value })}>
                    {csvFiles.map((f) => (
                      <option key={f.path} value={f.path}>
                        {f.path}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('deid.start.quasi')}
                  <input
                    className="krds-input"
                    value={row.quasi}
                    placeholder="주소, 나이"
                    onChange={(e) => update(i, { quasi: e.target.value })}
                  />
                </label>
                <label>
                  {t('deid.start.k')}
                  <input
                    className="krds-input"
                    type="number"
                    min={1}
                    max={1000}
                    value={row.k}
                    onChange={(e) => update(i, { k: e.target.value })}
                  />
                </label>
                <button type="button" className="krds-btn small text" onClick={() => setTables(tables.filter((_, j) => j !== i))}>
                  {t('deid.start.removeTable')}
                </button>
              </div>
            ))}
            {csvFiles.length > 0 && (
              <button
                type="button"
                className="krds-btn small secondary"
                onClick={() => setTables([...tables, { file: csvFiles[0]!.path, quasi: '', k: '5' }])}
              >
                {t('deid.start.addTable')}
              </button>
            )}
          </fieldset>

          {files.some((f) => f.format === 'image') && (
            <div className="form-group">
              <label>
                <input type="checkbox" checked={skipImages} onChange={(e) => setSkipImages(e.target.checked)} />{' '}
                {t('deid.start.skipImages')}
              </label>
            </div>
          )}

          {start.isError && (
            <ErrorBox error={start.error} id="deid-start-error">
              {problems.length > 0 && (
                <ul className="dd-problems">
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              )}
            </ErrorBox>
          )}
          <button type="submit" className="krds-btn primary" disabled={start.isPending}>
            {t('deid.start.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

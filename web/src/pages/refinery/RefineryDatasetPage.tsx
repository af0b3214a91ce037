// A refinery dataset: its versions and the state of their jobs (followed until done), an upload
// that makes a new version (tus in chunks, with progress), a recipe to apply to a version, the
// dataset's rule file and what it declares for its quality checks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { sessionQuery } from '../../session';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { RefineryBreadcrumb, TaskBadge, VersionStatusBadge } from './common';
import {
  applyRecipe,
  busy,
  createVersion,
  datasetQuery,
  putRules,
  putSettings,
  refineryKeys,
  tusUpload,
  versionsQuery,
  type DatasetVersion,
  type RefineryDataset,
} from './refineryApi';

const SAMPLE_RECIPE = `version: 1
steps:
  - op: trim
output:
  formats: [parquet, jsonl]
`;

const SAMPLE_RULES = `rules:
  - kind: not_null
    column: 이름
`;

function problemsOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => `${p.field}: ${currentLanguage() === 'ko' && p.messageKo ? p.messageKo : p.message}`);
}

function Problems({ error, id }: { error: unknown; id: string }) {
  const problems = problemsOf(error);
  return (
    <ErrorBox error={error} id={id}>
      {problems.length > 0 && (
        <ul className="dd-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </ErrorBox>
  );
}

function Upload({ dataset }: { dataset: RefineryDataset }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const csrf = useQuery(sessionQuery).data?.csrfToken;
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const upload = useMutation({
    mutationFn: async (files: File[]) => {
      const ids: string[] = [];
      const total = files.reduce((s, f) => s + f.size, 0);
      let before = 0;
      for (const file of files) {
        ids.push(await tusUpload(file, dataset.id, csrf, (sent) => setProgress({ sent: before + sent, total })));
        before += file.size;
      }
      return createVersion(dataset.id, ids);
    },
    onSuccess: async () => {
      if (input.current) input.current.value = '';
      await queryClient.invalidateQueries({ queryKey: refineryKeys.versions(dataset.id) });
    },
  });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const files = [...(input.current?.files ?? [])];
    if (files.length === 0) return;
    upload.mutate(files);
  }
  return (
    <section className="dd-panel" aria-labelledby="refinery-upload-title">
      <h2 id="refinery-upload-title" className="dd-panel-subtitle dd-first">
        {t('refinery.upload.title')}
      </h2>
      <p className="dd-body">{t('refinery.upload.lead')}</p>
      <form onSubmit={onSubmit}>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-upload-file">{t('refinery.upload.file')}</label>
          </div>
          <div className="form-conts">
            <input id="refinery-upload-file" type="file" multiple ref={input} className="krds-input" />
          </div>
        </div>
        {progress && (
          <p className="dd-upload-progress">
            <label htmlFor="refinery-upload-progress">{t('refinery.upload.progress')}</label>{' '}
            <progress id="refinery-upload-progress" max={progress.total || 1} value={progress.sent} />{' '}
            <span>{progress.total ? Math.round((100 * progress.sent) / progress.total) : 100}%</span>
          </p>
        )}
        {upload.isError && <ErrorBox error={upload.error} />}
        {upload.isSuccess && (
          <p className="dd-notice" role="status">
            {t('refinery.upload.done', { number: upload.data.version.number })}
          </p>
        )}
        <button type="submit" className="krds-btn primary" disabled={upload.isPending}>
          {upload.isPending ? t('refinery.upload.sending') : t('refinery.upload.submit')}
        </button>
      </form>
    </section>
  );
}

function Versions({ dataset, versions }: { dataset: RefineryDataset; versions: DatasetVersion[] }) {
  const { t } = useTranslation();
  if (versions.length === 0) return <p className="dd-muted">{t('refinery.versions.empty')}</p>;
  return (
    <div className="krds-table-wrap">
      <table className="tbl col data dd-table dd-versions">
        <caption className="sr-only">{t('refinery.versions.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('refinery.versions.number')}</th>
            <th scope="col">{t('refinery.versions.status')}</th>
            <th scope="col">{t('refinery.versions.files')}</th>
            <th scope="col">{t('refinery.versions.jobs')}</th>
            <th scope="col">{t('refinery.versions.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.id} data-version={v.number}>
              <td>
                v{v.number}
                {v.origin === 'recipe' && <span className="dd-muted"> ({t('refinery.versions.fromRecipe')})</span>}
                {v.origin === 'deid' && <span className="dd-muted"> ({t('deid.fromDeid')})</span>}
                <br />
                <span className="dd-muted">{formatDateTime(v.createdAt)}</span>
              </td>
              <td>
                <VersionStatusBadge status={v.status} />
                {v.error && <p className="form-hint-invalid">{v.error}</p>}
              </td>
              <td>
                {formatNumber(v.fileCount)} · {formatNumber(v.totalBytes)} B
              </td>
              <td>
                {(['profile', 'quality', 'recipe'] as const).map((kind) => {
                  const task = v.tasks[kind];
                  return task ? (
                    <div key={kind}>
                      <TaskBadge kind={kind} status={task.status} />
                      {task.error && <p className="form-hint-invalid">{task.error}</p>}
                      {kind === 'recipe' && task.status === 'done' && typeof task.result === 'object' && task.result !== null && (
                        <span className="dd-muted"> → v{(task.result as { number: number }).number}</span>
                      )}
                    </div>
                  ) : null;
                })}
              </td>
              <td>
                {v.status === 'ready' && (
                  <Link to="/refinery/versions/$id" params={{ id: v.id }} className="krds-btn small secondary">
                    {t('refinery.versions.report', { number: v.number })}
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="sr-only">{dataset.title}</p>
    </div>
  );
}

function Recipe({ dataset, versions }: { dataset: RefineryDataset; versions: DatasetVersion[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const ready = versions.filter((v) => v.status === 'ready');
  const [versionId, setVersionId] = useState('');
  const [text, setText] = useState(SAMPLE_RECIPE);
  const chosen = versionId || ready[0]?.id || '';
  const apply = useMutation({
    mutationFn: () => applyRecipe(chosen, text),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: refineryKeys.versions(dataset.id) }),
  });
  if (ready.length === 0) return null;
  return (
    <section className="dd-panel" aria-labelledby="refinery-recipe-title">
      <h2 id="refinery-recipe-title" className="dd-panel-subtitle dd-first">
        {t('refinery.recipe.title')}
      </h2>
      <p className="dd-body">{t('refinery.recipe.lead')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply.mutate();
        }}
      >
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-recipe-version">{t('refinery.recipe.version')}</label>
          </div>
          <div className="form-conts">
            <select id="refinery-recipe-version" className="krds-form-select" value={chosen} onChange={(e) => setVersionId(e.target.value)}>
              {ready.map((v) => (
                <option key={v.id} value={v.id}>
                  v{v.number}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-recipe-yaml">{t('refinery.recipe.yaml')}</label>
          </div>
          <div className="form-conts">
            <textarea
              id="refinery-recipe-yaml"
              className="krds-input dd-code"
              rows={8}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
        </div>
        {apply.isError && <Problems error={apply.error} id="refinery-recipe-error" />}
        {apply.isSuccess && (
          <p className="dd-notice" role="status">
            {t('refinery.recipe.queued')}
          </p>
        )}
        <button type="submit" className="krds-btn primary" disabled={apply.isPending}>
          {t('refinery.recipe.apply')}
        </button>
      </form>
    </section>
  );
}

function Rules({ dataset }: { dataset: RefineryDataset }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [text, setText] = useState(dataset.rules ?? '');
  const [label, setLabel] = useState(dataset.settings.labelColumn ?? '');
  const [attributes, setAttributes] = useState((dataset.settings.attributes ?? []).join(', '));
  const [textField, setTextField] = useState(dataset.settings.textField ?? '');
  const save = useMutation({
    mutationFn: async () => {
      const rules = await putRules(dataset.id, text);
      await putSettings(dataset.id, {
        ...(label.trim() ? { labelColumn: label.trim() } : {}),
        attributes: attributes
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
        ...(textField.trim() ? { textField: textField.trim() } : {}),
      });
      return rules;
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: refineryKeys.dataset(dataset.id) });
      await queryClient.invalidateQueries({ queryKey: refineryKeys.versions(dataset.id) });
    },
  });
  return (
    <section className="dd-panel" aria-labelledby="refinery-rules-title">
      <h2 id="refinery-rules-title" className="dd-panel-subtitle dd-first">
        {t('refinery.rules.title')}
      </h2>
      <p className="dd-body">{t('refinery.rules.lead')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-rules-yaml">{t('refinery.rules.yaml')}</label>
          </div>
          <div className="form-conts">
            <textarea
              id="refinery-rules-yaml"
              className="krds-input dd-code"
              rows={8}
              value={text}
              placeholder={SAMPLE_RULES}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
        </div>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-label-column">{t('refinery.rules.labelColumn')}</label>
          </div>
          <div className="form-conts">
            <input id="refinery-label-column" className="krds-input" value={label} onChange={(e) => setLabel(e.target.value)} />
          </div>
        </div>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-attributes">{t('refinery.rules.attributes')}</label>
          </div>
          <div className="form-conts">
            <input id="refinery-attributes" className="krds-input" value={attributes} onChange={(e) => setAttributes(e.target.value)} />
          </div>
        </div>
        <div className="form-group">
          <div className="form-tit">
            <label htmlFor="refinery-text-field">{t('refinery.rules.textField')}</label>
          </div>
          <div className="form-conts">
            <input id="refinery-text-field" className="krds-input" value={textField} onChange={(e) => setTextField(e.target.value)} />
          </div>
        </div>
        {save.isError && <Problems error={save.error} id="refinery-rules-error" />}
        {save.isSuccess && (
          <p className="dd-notice" role="status">
            {t('refinery.rules.saved', { count: save.data.count })}
          </p>
        )}
        <button type="submit" className="krds-btn primary" disabled={save.isPending}>
          {t('refinery.rules.save')}
        </button>
      </form>
    </section>
  );
}

export function RefineryDatasetPage() {
  const { t } = useTranslation();
  const { id } = useParams({ from: '/refinery/datasets/$id' });
  const dataset = useQuery(datasetQuery(id));
  const versions = useQuery({
    ...versionsQuery(id),
    refetchInterval: (query) => ((query.state.data ?? []).some(busy) ? 1000 : false),
  });
  useTitle(dataset.data?.title ?? t('modules.refinery.title'));
  const session = useQuery(sessionQuery).data;
  const canEdit = (session?.memberships ?? []).some(
    (m) => m.role === 'operator' || ((m.role === 'steward' || m.role === 'org_admin') && m.orgId === dataset.data?.orgId),
  );

  if (dataset.isPending) return <Loading />;
  if (dataset.isError) return <ErrorBox error={dataset.error} />;
  return (
    <div className="inner dd-section">
      <RefineryBreadcrumb trail={[{ label: dataset.data.title }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">{dataset.data.title}</h1>
      </div>
      <section className="dd-panel" aria-labelledby="refinery-versions-title">
        <h2 id="refinery-versions-title" className="dd-panel-subtitle dd-first">
          {t('refinery.versions.title')}
        </h2>
        {versions.isPending ? (
          <Loading />
        ) : versions.isError ? (
          <ErrorBox error={versions.error} />
        ) : (
          <Versions dataset={dataset.data} versions={versions.data} />
        )}
      </section>
      {canEdit && <Upload dataset={dataset.data} />}
      {canEdit && versions.data && <Recipe dataset={dataset.data} versions={versions.data} />}
      {canEdit && <Rules key={dataset.data.id} dataset={dataset.data} />}
    </div>
  );
}

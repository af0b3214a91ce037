// A new release (agency stewards): a ready refinery version, its semantic version, the tier, the
// licence, whether an account is needed (open tier) and the request form's questions (conditional).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useEffect, useState, type FormEvent } from 'react';
import { ErrorBox } from '../census/common';
import { ProblemList } from '../evaluation/common';
import { datasetsQuery, versionsQuery } from '../refinery/refineryApi';
import { useMessages } from './common';
import { createRelease, isBuild, releaseBuildQuery, releaseKeys, TIERS, type RequestQuestion, type Tier } from './releasesApi';
import { fmt, pick } from '../evaluation/strings';

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** q1, q2, …: one more than the highest number used, so a removed question's id is never reused. */
function nextQuestionId(list: RequestQuestion[]): string {
  return `q${Math.max(0, ...list.map((q) => Number(q.id.slice(1)) || 0)) + 1}`;
}

export function CreateReleasePanel() {
  const m = useMessages();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const datasets = useQuery(datasetsQuery);
  const [datasetId, setDatasetId] = useState('');
  const chosenDataset = datasetId || datasets.data?.[0]?.id || '';
  const versions = useQuery({ ...versionsQuery(chosenDataset), enabled: chosenDataset !== '' });
  const ready = (versions.data ?? []).filter((v) => v.status === 'ready').sort((a, b) => b.number - a.number);
  const [versionId, setVersionId] = useState('');
  const chosenVersion = ready.some((v) => v.id === versionId) ? versionId : (ready[0]?.id ?? '');
  const [semver, setSemver] = useState('1.0.0');
  const [tier, setTier] = useState<Tier>('open');
  const [accountRequired, setAccountRequired] = useState(true);
  const [licence, setLicence] = useState('CC-BY-4.0');
  const [licenceUrl, setLicenceUrl] = useState('');
  const [title, setTitle] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [questions, setQuestions] = useState<RequestQuestion[]>([]);
  const [errors, setErrors] = useState<{ version?: string; semver?: string; licence?: string }>({});

  const [buildId, setBuildId] = useState<string | null>(null);
  const build = useQuery({ ...releaseBuildQuery(buildId ?? ''), enabled: buildId !== null });
  const builtReleaseId = build.data?.status === 'done' ? build.data.releaseId : null;

  const openRelease = async (id: string) => {
    await queryClient.invalidateQueries({ queryKey: releaseKeys.all });
    await navigate({ to: '/releases/$id', params: { id } });
  };
  const create = useMutation({
    mutationFn: createRelease,
    onSuccess: async (made) => {
      if (isBuild(made)) setBuildId(made.id);
      else await openRelease(made.id);
    },
  });
  useEffect(() => {
    if (builtReleaseId) void openRelease(builtReleaseId);
    // openRelease is remade every render; the release id is what matters.
  }, [builtReleaseId]);
  const building = buildId !== null && build.data?.status !== 'failed';

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!chosenVersion) found.version = m.create.versionRequired;
    if (!SEMVER.test(semver.trim())) found.semver = m.create.semverInvalid;
    if (licence.trim() === '') found.licence = m.create.licenceRequired;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({
      versionId: chosenVersion,
      semver: semver.trim(),
      tier,
      ...(tier === 'open' ? { accountRequired } : {}),
      licence: licence.trim(),
      ...(licenceUrl.trim() ? { licenceUrl: licenceUrl.trim() } : {}),
      ...(title.trim() ? { title: title.trim() } : {}),
      ...(titleEn.trim() ? { titleEn: titleEn.trim() } : {}),
      ...(tier === 'conditional' && questions.length > 0
        ? { requestQuestions: questions.map((q) => ({ ...q, labelKo: q.labelKo.trim(), labelEn: q.labelEn.trim() })) }
        : {}),
    });
  }

  const setQuestion = (index: number, patch: Partial<RequestQuestion>) =>
    setQuestions((list) => list.map((q, i) => (i === index ? { ...q, ...patch } : q)));

  if (datasets.isSuccess && datasets.data.length === 0) return null;

  return (
    <section className="dd-panel" aria-labelledby="rel-create-title" data-panel="create">
      <h2 id="rel-create-title" className="dd-panel-subtitle dd-first">
        {m.create.title}
      </h2>
      <p className="dd-body">{m.create.lead}</p>
      {datasets.isError && <ErrorBox error={datasets.error} />}
      <form className="dd-rel-form" onSubmit={onSubmit} noValidate>
        <div className="dd-ev-grid">
          <div>
            <label htmlFor="rel-new-dataset">{m.create.dataset}</label>
            <select
              id="rel-new-dataset"
              className="krds-form-select"
              value={chosenDataset}
              onChange={(e) => {
                setDatasetId(e.target.value);
                setVersionId('');
              }}
            >
              {(datasets.data ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.title}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="rel-new-version">{m.create.version}</label>
            <select
              id="rel-new-version"
              className="krds-form-select"
              value={chosenVersion}
              onChange={(e) => setVersionId(e.target.value)}
              aria-invalid={errors.version ? true : undefined}
              aria-describedby={errors.version ? 'rel-new-version-error' : undefined}
            >
              {ready.length === 0 && <option value="">{m.create.noVersions}</option>}
              {ready.map((v) => (
                <option key={v.id} value={v.id}>
                  {fmt(m.create.versionLabel, { number: v.number, files: v.fileCount })}
                </option>
              ))}
            </select>
            {errors.version && (
              <p className="form-hint-invalid" id="rel-new-version-error">
                {errors.version}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="rel-new-semver">{m.create.semver}</label>
            <input
              id="rel-new-semver"
              className="krds-input"
              value={semver}
              onChange={(e) => setSemver(e.target.value)}
              aria-invalid={errors.semver ? true : undefined}
              aria-describedby={errors.semver ? 'rel-new-semver-error' : undefined}
            />
            {errors.semver && (
              <p className="form-hint-invalid" id="rel-new-semver-error">
                {errors.semver}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="rel-new-tier">{m.create.tier}</label>
            <select id="rel-new-tier" className="krds-form-select" value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {pick(m.tier, t)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="rel-new-licence">{m.create.licence}</label>
            <input
              id="rel-new-licence"
              className="krds-input"
              value={licence}
              onChange={(e) => setLicence(e.target.value)}
              aria-invalid={errors.licence ? true : undefined}
              aria-describedby={errors.licence ? 'rel-new-licence-error' : undefined}
            />
            {errors.licence && (
              <p className="form-hint-invalid" id="rel-new-licence-error">
                {errors.licence}
              </p>
            )}
          </div>
          <div>
            <label htmlFor="rel-new-licence-url">{m.create.licenceUrl}</label>
            <input
              id="rel-new-licence-url"
              className="krds-input"
              type="url"
              value={licenceUrl}
              onChange={(e) => setLicenceUrl(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="rel-new-title">{m.create.titleKo}</label>
            <input id="rel-new-title" className="krds-input" value={title} onChange={(e) => setTitle(e.target.value)} />
          </div>
          <div>
            <label htmlFor="rel-new-title-en">{m.create.titleEn}</label>
            <input id="rel-new-title-en" className="krds-input" lang="en" value={titleEn} onChange={(e) => setTitleEn(e.target.value)} />
          </div>
        </div>
        {tier === 'open' && (
          <div className="krds-form-check form-group">
            <input id="rel-new-account" type="checkbox" checked={accountRequired} onChange={(e) => setAccountRequired(e.target.checked)} />
            <label htmlFor="rel-new-account">{m.create.accountRequired}</label>
          </div>
        )}
        {tier === 'conditional' && (
          <fieldset className="form-group">
            <legend>{m.create.questions}</legend>
            {questions.map((q, i) => (
              <div key={i} className="dd-rel-inline" data-question-row={i}>
                <div>
                  <label htmlFor={`rel-q-${i}-ko`}>{m.create.questionKo}</label>
                  <input
                    id={`rel-q-${i}-ko`}
                    className="krds-input"
                    value={q.labelKo}
                    onChange={(e) => setQuestion(i, { labelKo: e.target.value })}
                  />
                </div>
                <div>
                  <label htmlFor={`rel-q-${i}-en`}>{m.create.questionEn}</label>
                  <input
                    id={`rel-q-${i}-en`}
                    className="krds-input"
                    lang="en"
                    value={q.labelEn}
                    onChange={(e) => setQuestion(i, { labelEn: e.target.value })}
                  />
                </div>
                <div className="krds-form-check">
                  <input
                    id={`rel-q-${i}-req`}
                    type="checkbox"
                    checked={q.required}
                    onChange={(e) => setQuestion(i, { required: e.target.checked })}
                  />
                  <label htmlFor={`rel-q-${i}-req`}>{m.create.required}</label>
                </div>
                <button
                  type="button"
                  className="krds-btn text small"
                  onClick={() => setQuestions((list) => list.filter((_, j) => j !== i))}
                  aria-label={fmt(m.create.removeQuestion, { n: i + 1 })}
                >
                  ✕
                </button>
              </div>
            ))}
            <button
              type="button"
              className="krds-btn secondary small"
              onClick={() => setQuestions((list) => [...list, { id: nextQuestionId(list), labelKo: '', labelEn: '', required: true }])}
            >
              {m.create.addQuestion}
            </button>
          </fieldset>
        )}
        {create.isError && (
          <ErrorBox error={create.error}>
            <ProblemList error={create.error} />
          </ErrorBox>
        )}
        {build.isError && <ErrorBox error={build.error} />}
        {build.data && build.data.status !== 'failed' && (
          <div className="dd-callout" role="status" data-build={build.data.status}>
            <p>{fmt(m.create.building, { semver: build.data.semver })}</p>
            <p>
              {build.data.status === 'queued'
                ? m.create.buildQueued
                : fmt(m.create.buildProgress, { done: build.data.progress.filesDone, total: build.data.progress.filesTotal })}
            </p>
            {build.data.progress.filesTotal > 0 && <progress value={build.data.progress.filesDone} max={build.data.progress.filesTotal} />}
          </div>
        )}
        {build.data?.status === 'failed' && (
          <div className="dd-callout dd-callout-danger" role="alert" data-build="failed">
            {fmt(m.create.buildFailed, { semver: build.data.semver, error: build.data.error ?? '' })}
          </div>
        )}
        <div className="dd-actions">
          <button type="submit" className="krds-btn primary" disabled={create.isPending || building}>
            {m.create.submit}
          </button>
        </div>
      </form>
    </section>
  );
}

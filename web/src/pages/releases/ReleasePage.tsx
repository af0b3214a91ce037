// One release: its title, version, tier, licence, citation, metadata links, quality, datasheet
// (Korean and English), changelog, and its files with size and SHA-256. What the visitor may do
// depends on the tier: open (accept the licence when an account is needed), conditional (download
// under a grant of their organisation, else ask with the request form), safe zone (never).
// Whether the visitor may download is asked of the server itself: a HEAD of the first file.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import { useTitle } from '../../components/useTitle';
import { currentLanguage } from '../../i18n';
import { ErrorBox, formatDate, formatDateTime, formatNumber, Loading } from '../census/common';
import { ProblemList, problemsOf } from '../evaluation/common';
import { Markdown } from './Markdown';
import { agencyName, releaseTitle, ReleasesBreadcrumb, TierBadge, useMessages, useReleaseRoles } from './common';
import {
  acceptLicence,
  archiveUrl,
  DATASHEET_SECTIONS,
  fileUrl,
  formatBytes,
  previewable,
  previewQuery,
  releaseKeys,
  releaseQuery,
  requestAccess,
  requestsQuery,
  type AccessRequest,
  type ReleaseDetail,
  type ReleaseFile,
  type ReleaseRoles,
} from './releasesApi';
import { fmt } from '../evaluation/strings';
import { en, ko } from './strings';

// The section titles in each language, whatever the interface language (the two sheets sit side by side).
const KO_SECTIONS: Record<string, string> = ko.sections;
const EN_SECTIONS: Record<string, string> = en.sections;

/** Whether the server would serve the release's files to this visitor now (status of a HEAD; 0 when it has none). */
const probeQuery = (release: ReleaseDetail) =>
  queryOptions({
    queryKey: [...releaseKeys.release(release.id), 'probe'] as const,
    queryFn: async ({ signal }): Promise<number> => {
      const first = release.files.find((f) => f.downloadable && f.url);
      if (!release.downloadable || !first) return 0;
      const res = await fetch(fileUrl(release.id, first.path), { method: 'HEAD', credentials: 'same-origin', signal });
      return res.status;
    },
    staleTime: 0,
  });

export function ReleasePage() {
  const { id } = useParams({ from: '/releases/$id' });
  const m = useMessages();
  const release = useQuery(releaseQuery(id));
  const heading = release.data ? releaseTitle(release.data).main : m.home.releases;
  useTitle(heading);

  return (
    <div className="inner dd-section">
      <ReleasesBreadcrumb trail={[{ label: heading }]} />
      {release.isPending ? <Loading /> : release.isError ? <ErrorBox error={release.error} /> : <ReleaseView release={release.data} />}
    </div>
  );
}

function ReleaseView({ release }: { release: ReleaseDetail }) {
  const m = useMessages();
  const roles = useReleaseRoles();
  const queryClient = useQueryClient();
  const probe = useQuery(probeQuery(release));
  const mayDownload = probe.data !== undefined && probe.data >= 200 && probe.data < 300;
  const { main, other } = releaseTitle(release);
  const lang = currentLanguage();

  return (
    <article data-release={release.id} data-tier={release.tier} data-may-download={probe.isSuccess ? String(mayDownload) : undefined}>
      <div className="dd-page-head">
        <h1 className="dd-page-title">{main}</h1>
        <TierBadge tier={release.tier} />
        <span className="krds-badge bg-light-gray dd-status" data-semver={release.semver}>
          {fmt(m.release.semver, { semver: release.semver })}
        </span>
      </div>
      {other && (
        <p className="dd-muted" lang={lang === 'ko' ? 'en' : 'ko'}>
          {other}
        </p>
      )}
      {release.withdrawnAt && (
        <div className="dd-alert" role="alert">
          <p>{fmt(m.release.withdrawn, { date: formatDate(release.withdrawnAt) })}</p>
        </div>
      )}
      {release.description && <p className="dd-body">{release.description}</p>}

      <dl className="dd-rel-meta">
        <dt>{m.release.agency}</dt>
        <dd>{agencyName(release)}</dd>
        <dt>{m.release.licence}</dt>
        <dd data-licence={release.licence}>
          {release.licence}
          {release.licenceUrl && (
            <>
              {' · '}
              <a href={release.licenceUrl} target="_blank" rel="noreferrer">
                {m.release.licenceLink}
              </a>
            </>
          )}
        </dd>
        <dt>{m.home.createdAt}</dt>
        <dd>{formatDateTime(release.createdAt)}</dd>
        <dt>{m.release.manifestSha}</dt>
        <dd className="dd-rel-sha" data-manifest-sha256>
          {release.manifestSha256}
        </dd>
      </dl>

      <AccessPanel release={release} roles={roles} probe={probe.data} probePending={probe.isPending} />

      <FilesPanel
        release={release}
        mayDownload={mayDownload}
        onRefused={() => void queryClient.invalidateQueries({ queryKey: releaseKeys.all })}
      />

      <Citation text={release.citation} />

      <h2 className="dd-panel-subtitle">{m.release.metadata}</h2>
      <div className="dd-rel-links">
        <a href={release.links.croissant} className="krds-btn text" data-link="croissant">
          {m.release.croissant}
        </a>
        <a href={release.links.dcat} className="krds-btn text" data-link="dcat">
          {m.release.dcat}
        </a>
        <a href={release.links.datasheet} className="krds-btn text" data-link="datasheet">
          {m.release.datasheetMd}
        </a>
      </div>

      <Quality release={release} />
      <DatasheetView release={release} />
      <ChangelogView release={release} />
    </article>
  );
}

function AccessPanel({
  release,
  roles,
  probe,
  probePending,
}: {
  release: ReleaseDetail;
  roles: ReleaseRoles;
  probe: number | undefined;
  probePending: boolean;
}) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const mine = useQuery({ ...requestsQuery('mine'), enabled: roles.consumer && release.tier === 'conditional' });
  const accept = useMutation({
    mutationFn: () => acceptLicence(release.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: releaseKeys.release(release.id) }),
  });
  const ok = probe !== undefined && probe >= 200 && probe < 300;
  const isProvider = roles.agencyIds.includes(release.orgId);

  let body: ReactNode;
  if (release.tier === 'safe_zone') {
    body = (
      <div className="dd-notice" data-access="safe-zone">
        <p>{m.access.safeZone}</p>
        {release.notDownloadableReason && (
          <p className="dd-muted">{lang() === 'en' ? release.notDownloadableReason.en : release.notDownloadableReason.ko}</p>
        )}
        <p>
          <Link to="/safe-zone">{m.access.safeZoneLink}</Link>
        </p>
      </div>
    );
  } else if (probePending) {
    body = <Loading />;
  } else if (probe === 401) {
    body = (
      <div className="dd-notice" data-access="sign-in">
        <p>{m.access.signIn}</p>
        <p>
          <Link to="/login" search={{ redirect: `/releases/${release.id}` }}>
            {m.access.signInLink}
          </Link>
        </p>
      </div>
    );
  } else if (release.tier === 'open') {
    body = ok ? (
      <p className="dd-muted" role="status" data-access="ready">
        {accept.isSuccess
          ? m.access.accepted
          : isProvider
            ? m.access.provider
            : release.accountRequired
              ? m.access.openReady
              : m.tierHelp.openNoAccount}
      </p>
    ) : (
      <div className="dd-callout" data-access="accept-licence">
        <p className="dd-callout-title">{m.access.acceptTitle}</p>
        <p>{fmt(m.access.acceptBody, { licence: release.licence })}</p>
        {accept.isError && <ErrorBox error={accept.error} />}
        <button type="button" className="krds-btn primary" disabled={accept.isPending} onClick={() => accept.mutate()}>
          {m.access.accept}
        </button>
      </div>
    );
  } else {
    // Conditional: the latest request of the organisation for this dataset tells where it stands.
    const latest = (mine.data ?? [])
      .filter((r) => r.datasetId === release.datasetId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    const activeGrant = (mine.data ?? []).find((r) => r.datasetId === release.datasetId && r.grant?.active)?.grant;
    if (ok) {
      body = (
        <p className="dd-muted" role="status" data-access="granted">
          {activeGrant
            ? fmt(m.access.granted, { date: formatDate(activeGrant.expiresAt), purpose: activeGrant.purpose })
            : isProvider
              ? m.access.provider
              : m.access.openReady}
        </p>
      );
    } else if (!roles.consumer) {
      body = (
        <div className="dd-notice" data-access="not-consumer">
          <p>{m.access.noGrant}</p>
          <p>{m.access.notConsumer}</p>
        </div>
      );
    } else if (mine.isPending) {
      body = <Loading />;
    } else if (latest?.status === 'pending') {
      body = (
        <div className="dd-notice" data-access="pending" role="status">
          <p>{fmt(m.access.pending, { date: formatDate(latest.createdAt) })}</p>
        </div>
      );
    } else {
      const revoked = latest?.grant?.revokedAt ? latest.grant : undefined;
      const expired = latest?.grant && !latest.grant.active && !latest.grant.revokedAt;
      body = (
        <>
          <div className="dd-notice" data-access={revoked ? 'revoked' : expired ? 'expired' : 'no-grant'}>
            <p>
              {revoked
                ? m.access.revoked
                : expired
                  ? m.access.expired
                  : latest?.status === 'rejected'
                    ? m.access.rejected
                    : m.access.noGrant}
            </p>
            {revoked?.revokeReason && <p className="dd-muted">{fmt(m.mine.revokedBecause, { reason: revoked.revokeReason })}</p>}
            {latest?.status === 'rejected' && latest.decisionNote && (
              <p className="dd-muted">{fmt(m.mine.note, { note: latest.decisionNote })}</p>
            )}
          </div>
          <RequestForm release={release} roles={roles} />
        </>
      );
    }
  }

  return (
    <section className="dd-panel" aria-labelledby="rel-access-title" data-panel="access">
      <h2 id="rel-access-title" className="dd-panel-subtitle dd-first">
        {m.access.title} <TierBadge tier={release.tier} />
      </h2>
      <p className="dd-body">{release.tier === 'open' && !release.accountRequired ? m.tierHelp.openNoAccount : m.tierHelp[release.tier]}</p>
      {body}
    </section>
  );
}

const lang = () => currentLanguage();

function RequestForm({ release, roles }: { release: ReleaseDetail; roles: ReleaseRoles }) {
  const m = useMessages();
  const queryClient = useQueryClient();
  const [orgId, setOrgId] = useState(roles.consumerOrgs[0]?.orgId ?? '');
  const [purpose, setPurpose] = useState('');
  const [duration, setDuration] = useState('90');
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const submit = useMutation({
    mutationFn: requestAccess,
    onSuccess: (created: AccessRequest) => {
      queryClient.setQueryData(requestsQuery('mine').queryKey, (old: AccessRequest[] | undefined) => [created, ...(old ?? [])]);
      return queryClient.invalidateQueries({ queryKey: releaseKeys.requests('mine') });
    },
  });
  // The server's problems by field (answers.<id>, purpose, durationDays), beside the fields.
  const serverProblems = Object.fromEntries(problemsOf(submit.error).map((p) => [p.field, p.message]));
  const errorOf = (field: string) => errors[field] ?? serverProblems[field];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const days = Number(duration);
    if (purpose.trim() === '') found.purpose = m.access.purposeRequired;
    if (!Number.isInteger(days) || days < 1 || days > 3650) found.durationDays = m.access.durationInvalid;
    for (const q of release.requestQuestions)
      if (q.required && (answers[q.id] ?? '').trim() === '') found[`answers.${q.id}`] = m.access.answerRequired;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    submit.mutate({
      datasetId: release.datasetId,
      releaseId: release.id,
      ...(orgId ? { orgId } : {}),
      purpose: purpose.trim(),
      durationDays: days,
      answers: Object.fromEntries(Object.entries(answers).filter(([, v]) => v.trim() !== '')),
    });
  }

  const field = (id: string, label: string, input: ReactNode, key: string, hint?: string) => {
    const error = errorOf(key);
    return (
      <div className="form-group">
        <label htmlFor={id}>{label}</label>
        {input}
        {hint && (
          <p className="form-hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {error && (
          <p className="form-hint-invalid" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  };
  const described = (id: string, key: string, hint = false) =>
    [hint ? `${id}-hint` : '', errorOf(key) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

  return (
    <form className="dd-rel-form dd-rel-card" onSubmit={onSubmit} noValidate aria-labelledby="rel-request-title" data-request-form>
      <h3 id="rel-request-title">{m.access.formTitle}</h3>
      {roles.consumerOrgs.length > 1 &&
        field(
          'rel-request-org',
          m.access.org,
          <select id="rel-request-org" className="krds-form-select" value={orgId} onChange={(e) => setOrgId(e.target.value)}>
            {roles.consumerOrgs.map((o) => (
              <option key={o.orgId} value={o.orgId}>
                {o.orgName}
              </option>
            ))}
          </select>,
          'orgId',
        )}
      {field(
        'rel-request-purpose',
        m.access.purpose,
        <textarea
          id="rel-request-purpose"
          className="krds-input"
          value={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          aria-invalid={errorOf('purpose') ? true : undefined}
          aria-describedby={described('rel-request-purpose', 'purpose', true)}
          required
        />,
        'purpose',
        m.access.purposeHint,
      )}
      {field(
        'rel-request-duration',
        m.access.duration,
        <input
          id="rel-request-duration"
          className="krds-input"
          type="number"
          min={1}
          max={3650}
          value={duration}
          onChange={(e) => setDuration(e.target.value)}
          aria-invalid={errorOf('durationDays') ? true : undefined}
          aria-describedby={described('rel-request-duration', 'durationDays')}
          required
        />,
        'durationDays',
      )}
      {release.requestQuestions.map((q) => {
        const id = `rel-request-q-${q.id}`;
        const key = `answers.${q.id}`;
        const label = lang() === 'en' ? q.labelEn : q.labelKo;
        return (
          <div key={q.id} data-question={q.id}>
            {field(
              id,
              q.required ? `${label} ${m.access.required}` : label,
              <textarea
                id={id}
                className="krds-input"
                value={answers[q.id] ?? ''}
                onChange={(e) => setAnswers((a) => ({ ...a, [q.id]: e.target.value }))}
                aria-invalid={errorOf(key) ? true : undefined}
                aria-describedby={described(id, key)}
                required={q.required}
              />,
              key,
            )}
          </div>
        );
      })}
      {submit.isError && (
        <ErrorBox error={submit.error}>
          <ProblemList error={submit.error} />
        </ErrorBox>
      )}
      {submit.isSuccess && (
        <p role="status" data-request-submitted>
          {m.access.submitted}
        </p>
      )}
      <div className="dd-actions">
        <button type="submit" className="krds-btn primary" disabled={submit.isPending}>
          {m.access.submit}
        </button>
      </div>
    </form>
  );
}

function FilesPanel({ release, mayDownload, onRefused }: { release: ReleaseDetail; mayDownload: boolean; onRefused: () => void }) {
  const m = useMessages();
  const [previewing, setPreviewing] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ status: number; detail?: string } | null>(null);

  // A last check before the browser leaves for the bytes: a grant revoked since the page loaded
  // shows here rather than as a bare problem document.
  async function guard(event: MouseEvent<HTMLAnchorElement>) {
    const href = event.currentTarget.getAttribute('href');
    if (!href || event.currentTarget.dataset.checked === 'true') return;
    event.preventDefault();
    const anchor = event.currentTarget;
    const res = await fetch(href.includes('/archive') ? fileUrl(release.id, release.files[0]?.path ?? '') : href, {
      method: 'HEAD',
      credentials: 'same-origin',
    });
    if (!res.ok) {
      setRefused({ status: res.status });
      onRefused();
      return;
    }
    setRefused(null);
    anchor.dataset.checked = 'true';
    anchor.click();
    delete anchor.dataset.checked;
  }

  const preview = release.files.find((f) => f.path === previewing);
  return (
    <section className="dd-panel" aria-labelledby="rel-files-title" data-panel="files">
      <h2 id="rel-files-title" className="dd-panel-subtitle dd-first">
        {m.release.files}
      </h2>
      <p className="dd-muted">{fmt(m.release.total, { count: release.files.length, size: formatBytes(release.manifest.totalBytes) })}</p>
      {refused && (
        <div className="dd-alert" role="alert" data-download-refused={refused.status}>
          <p>{m.access.refused}</p>
          <p className="dd-alert-detail">HTTP {refused.status}</p>
        </div>
      )}
      <div className="krds-table-wrap">
        <table className="tbl col data dd-table dd-rel-table">
          <caption className="sr-only">{m.release.filesCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{m.release.path}</th>
              <th scope="col">{m.release.format}</th>
              <th scope="col">{m.release.size}</th>
              <th scope="col">{m.release.records}</th>
              <th scope="col">{m.release.sha256}</th>
              <th scope="col">{m.release.download}</th>
            </tr>
          </thead>
          <tbody>
            {release.files.map((f) => (
              <FileRow
                key={f.path}
                release={release}
                file={f}
                mayDownload={mayDownload}
                onDownload={guard}
                previewing={previewing === f.path}
                onPreview={() => setPreviewing(previewing === f.path ? null : f.path)}
              />
            ))}
          </tbody>
        </table>
      </div>
      {mayDownload && release.files.length > 0 && (
        <div className="dd-actions">
          <a href={archiveUrl(release.id)} className="krds-btn secondary" download data-archive onClick={(e) => void guard(e)}>
            {m.release.downloadAll}
          </a>
        </div>
      )}
      {preview && <Preview releaseId={release.id} file={preview} />}
      {release.manifest.warnings.length > 0 && (
        <>
          <h3>{m.release.warnings}</h3>
          <ul>
            {release.manifest.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function FileRow({
  release,
  file,
  mayDownload,
  onDownload,
  previewing,
  onPreview,
}: {
  release: ReleaseDetail;
  file: ReleaseFile;
  mayDownload: boolean;
  onDownload: (event: MouseEvent<HTMLAnchorElement>) => Promise<void>;
  previewing: boolean;
  onPreview: () => void;
}) {
  const m = useMessages();
  const can = mayDownload && file.downloadable && file.url !== null;
  return (
    <tr data-file={file.path} data-sha256={file.sha256}>
      <td>
        <code>{file.path}</code>
      </td>
      <td>{file.format}</td>
      <td className="dd-rel-num" data-size={file.size}>
        {formatBytes(file.size)}
      </td>
      <td className="dd-rel-num">{file.records === null ? '—' : formatNumber(file.records)}</td>
      <td className="dd-rel-sha">{file.sha256}</td>
      <td>
        {can ? (
          <>
            <a
              href={fileUrl(release.id, file.path)}
              download
              data-download={file.path}
              aria-label={fmt(m.release.downloadNamed, { path: file.path })}
              onClick={(e) => void onDownload(e)}
            >
              {m.release.download}
            </a>
            {previewable(file) && (
              <>
                {' · '}
                <button
                  type="button"
                  className="krds-btn text small"
                  onClick={onPreview}
                  aria-expanded={previewing}
                  aria-label={previewing ? m.release.hidePreview : fmt(m.release.previewNamed, { path: file.path })}
                >
                  {previewing ? m.release.hidePreview : m.release.preview}
                </button>
              </>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

function Preview({ releaseId, file }: { releaseId: string; file: ReleaseFile }) {
  const m = useMessages();
  const preview = useQuery(previewQuery(releaseId, file.path));
  const title = fmt(m.release.previewTitle, { path: file.path });
  return (
    <div className="dd-rel-preview" data-preview={file.path}>
      <h3>{title}</h3>
      {preview.isPending ? (
        <Loading />
      ) : preview.isError ? (
        <ErrorBox error={preview.error}>
          <ProblemList error={preview.error} />
        </ErrorBox>
      ) : preview.data.kind === 'table' ? (
        <table className="tbl col data dd-table">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              {preview.data.columns.map((c) => (
                <th key={c.name} scope="col">
                  {c.name}
                  <span className="dd-ev-sub">{c.type}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.data.rows.map((row, i) => (
              <tr key={i} data-preview-row={i}>
                {preview.data.kind === 'table' &&
                  preview.data.columns.map((c) => <td key={c.name}>{row[c.name] === null ? '' : String(row[c.name] as string)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <pre>
          {preview.data.text}
          {preview.data.truncated ? `\n${m.release.previewTruncated}` : ''}
        </pre>
      )}
    </div>
  );
}

function Citation({ text }: { text: string }) {
  const m = useMessages();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <section aria-labelledby="rel-citation-title">
      <h2 id="rel-citation-title" className="dd-panel-subtitle">
        {m.release.citation}
      </h2>
      <p className="dd-rel-citation" data-citation>
        {text}
      </p>
      <button type="button" className="krds-btn secondary small" onClick={() => void copy()}>
        {m.release.copy}
      </button>
      <span role="status" className="dd-muted">
        {copied === 'ok' ? ` ${m.release.copied}` : copied === 'failed' ? ` ${m.release.copyFailed}` : ''}
      </span>
    </section>
  );
}

function Quality({ release }: { release: ReleaseDetail }) {
  const m = useMessages();
  const q = release.qualityReport;
  return (
    <section aria-labelledby="rel-quality-title">
      <h2 id="rel-quality-title" className="dd-panel-subtitle">
        {m.release.quality}
      </h2>
      {!q ? (
        <p className="dd-muted">{m.release.noQuality}</p>
      ) : (
        <>
          {q.records !== null && <p>{fmt(m.release.qualityRecords, { records: formatNumber(q.records) })}</p>}
          <ul>
            {q.indicators.map((i) => (
              <li key={i.id} data-indicator={i.id}>
                {lang() === 'en' ? i.name.en : i.name.ko}:{' '}
                {i.value === null ? '—' : i.value.toLocaleString(undefined, { maximumFractionDigits: 4 })}
              </li>
            ))}
          </ul>
          <p>
            <Link to="/refinery/versions/$id" params={{ id: q.versionId }}>
              {m.release.qualityReport}
            </Link>
          </p>
        </>
      )}
    </section>
  );
}

function DatasheetView({ release }: { release: ReleaseDetail }) {
  const m = useMessages();
  const sides = [
    { key: 'ko' as const, title: m.release.datasheetKo, sheet: release.datasheet.ko, titles: KO_SECTIONS },
    { key: 'en' as const, title: m.release.datasheetEn, sheet: release.datasheet.en, titles: EN_SECTIONS },
  ];
  return (
    <section aria-labelledby="rel-datasheet-title">
      <h2 id="rel-datasheet-title" className="dd-panel-subtitle">
        {m.release.datasheet}
      </h2>
      <div className="dd-rel-datasheet">
        {sides.map((side) => (
          <div key={side.key} lang={side.key} data-datasheet={side.key}>
            <h3>{side.title}</h3>
            {DATASHEET_SECTIONS.map((s) => (
              <div key={s}>
                <h4>{side.titles[s]}</h4>
                <div className="dd-rel-md" data-section={s}>
                  <Markdown text={side.sheet[s] ?? ''} />
                </div>
              </div>
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}

function ChangelogView({ release }: { release: ReleaseDetail }) {
  const m = useMessages();
  const c = release.changelog;
  const list = (title: string, items: string[], key: string) =>
    items.length === 0 ? null : (
      <>
        <h3>{title}</h3>
        <ul data-changelog={key}>
          {items.map((i) => (
            <li key={i}>
              <code>{i}</code>
            </li>
          ))}
        </ul>
      </>
    );
  return (
    <section aria-labelledby="rel-changelog-title">
      <h2 id="rel-changelog-title" className="dd-panel-subtitle">
        {m.release.changelog}
      </h2>
      {!c ? (
        <p className="dd-muted">{m.release.firstRelease}</p>
      ) : (
        <>
          <p>
            <Link to="/releases/$id" params={{ id: c.previous.id }}>
              {fmt(m.release.since, { semver: c.previous.semver })}
            </Link>
          </p>
          {list(
            m.release.added,
            c.added.map((f) => f.path),
            'added',
          )}
          {list(
            m.release.removed,
            c.removed.map((f) => f.path),
            'removed',
          )}
          {list(
            m.release.renamed,
            c.renamed.map((f) => `${f.from} → ${f.to}`),
            'renamed',
          )}
          {list(
            m.release.changed,
            c.changed.map((f) => (f.records ? `${f.path} (${f.records.before ?? '?'} → ${f.records.after ?? '?'})` : f.path)),
            'changed',
          )}
          <p className="dd-muted">{fmt(m.release.unchanged, { count: c.unchanged })}</p>
          {c.schema.length > 0 && (
            <>
              <h3>{m.release.schemaChanges}</h3>
              <ul>
                {c.schema.map((s) => (
                  <li key={s.path}>
                    <code>{s.path}</code>
                    {s.added.length > 0 && <div>{fmt(m.release.columnsAdded, { names: s.added.map((x) => x.name).join(', ') })}</div>}
                    {s.removed.length > 0 && <div>{fmt(m.release.columnsRemoved, { names: s.removed.map((x) => x.name).join(', ') })}</div>}
                    {s.typeChanged.length > 0 && (
                      <div>
                        {fmt(m.release.columnsRetyped, { names: s.typeChanged.map((x) => `${x.name} ${x.before}→${x.after}`).join(', ') })}
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

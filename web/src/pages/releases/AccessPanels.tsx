// Access requests and grants as lists: a company's own requests with their grants, the requests an
// agency has to decide (approve with a note and an expiry, or reject), and the grants it gave
// (revoke with a reason).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { ErrorBox, formatDate, formatDateTime, Loading } from '../census/common';
import { ProblemList } from '../evaluation/common';
import { currentLanguage } from '../../i18n';
import { GrantStateBadge, RequestStatusBadge, useMessages, useReleaseRoles } from './common';
import {
  decideRequest,
  grantsQuery,
  releaseKeys,
  releaseQuery,
  requestsQuery,
  revokeGrant,
  type AccessGrant,
  type AccessRequest,
} from './releasesApi';
import { fmt } from '../evaluation/strings';

/** The organisation's requests and their grants (companies and research institutes). */
export function MyRequestsPanel() {
  const m = useMessages();
  const requests = useQuery(requestsQuery('mine'));
  return (
    <section className="dd-panel" aria-labelledby="rel-mine-title" data-panel="mine">
      <h2 id="rel-mine-title" className="dd-panel-subtitle dd-first">
        {m.mine.title}
      </h2>
      <p className="dd-body">{m.mine.lead}</p>
      {requests.isPending ? (
        <Loading />
      ) : requests.isError ? (
        <ErrorBox error={requests.error} />
      ) : requests.data.length === 0 ? (
        <p className="dd-muted">{m.mine.empty}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table dd-rel-table">
            <caption className="sr-only">{m.mine.title}</caption>
            <thead>
              <tr>
                <th scope="col">{m.mine.dataset}</th>
                <th scope="col">{m.mine.purpose}</th>
                <th scope="col">{m.mine.duration}</th>
                <th scope="col">{m.mine.requestedAt}</th>
                <th scope="col">{m.mine.status}</th>
                <th scope="col">{m.mine.grant}</th>
              </tr>
            </thead>
            <tbody>
              {requests.data.map((r) => (
                <tr key={r.id} data-request={r.id} data-status={r.status}>
                  <td>
                    {r.releaseId ? (
                      <Link to="/releases/$id" params={{ id: r.releaseId }}>
                        {r.datasetTitle}
                      </Link>
                    ) : (
                      r.datasetTitle
                    )}
                    <span className="dd-muted dd-ev-sub">{r.orgName}</span>
                  </td>
                  <td>{r.purpose}</td>
                  <td className="dd-rel-num">{fmt(m.mine.days, { days: r.durationDays })}</td>
                  <td>{formatDate(r.createdAt)}</td>
                  <td>
                    <RequestStatusBadge status={r.status} />
                    {r.decisionNote && <span className="dd-ev-sub">{fmt(m.mine.note, { note: r.decisionNote })}</span>}
                  </td>
                  <td>
                    {r.grant ? (
                      <>
                        <GrantStateBadge grant={r.grant} />{' '}
                        <span className="dd-ev-sub">{fmt(m.mine.until, { date: formatDate(r.grant.expiresAt) })}</span>
                        {r.grant.revokeReason && (
                          <span className="dd-ev-sub">{fmt(m.mine.revokedBecause, { reason: r.grant.revokeReason })}</span>
                        )}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The requests for the agency's datasets: pending ones first, each with its decision form. */
export function IncomingRequestsPanel() {
  const m = useMessages();
  const requests = useQuery(requestsQuery('incoming'));
  const [pendingOnly, setPendingOnly] = useState(false);
  const items = (requests.data ?? [])
    .filter((r) => !pendingOnly || r.status === 'pending')
    .sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="dd-panel" aria-labelledby="rel-incoming-title" data-panel="incoming">
      <h2 id="rel-incoming-title" className="dd-panel-subtitle dd-first">
        {m.incoming.title}
      </h2>
      <p className="dd-body">{m.incoming.lead}</p>
      <div className="krds-form-check">
        <input id="rel-pending-only" type="checkbox" checked={pendingOnly} onChange={(e) => setPendingOnly(e.target.checked)} />
        <label htmlFor="rel-pending-only">{m.incoming.pendingOnly}</label>
      </div>
      {requests.isPending ? (
        <Loading />
      ) : requests.isError ? (
        <ErrorBox error={requests.error} />
      ) : items.length === 0 ? (
        <p className="dd-muted">{m.incoming.empty}</p>
      ) : (
        items.map((r) => <IncomingRequest key={r.id} request={r} />)
      )}
    </section>
  );
}

/** A date (YYYY-MM-DD) as the end of that day in the browser's time zone, with its offset. */
function endOfDay(date: string): string {
  const d = new Date(`${date}T23:59:59`);
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  return `${date}T23:59:59${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function IncomingRequest({ request }: { request: AccessRequest }) {
  const m = useMessages();
  // Only the providing agency's stewards decide; oversight reads.
  const decides = useReleaseRoles().agencyIds.includes(request.providerOrgId);
  const queryClient = useQueryClient();
  const release = useQuery({ ...releaseQuery(request.releaseId ?? ''), enabled: request.releaseId !== null });
  const [note, setNote] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      decideRequest(request.id, {
        decision,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(decision === 'approve' && expiresOn ? { expiresAt: endOfDay(expiresOn) } : {}),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: releaseKeys.all }),
  });
  const questionLabel = (id: string) => {
    const q = release.data?.requestQuestions.find((x) => x.id === id);
    if (!q) return id;
    return currentLanguage() === 'en' ? q.labelEn : q.labelKo;
  };
  const answers = Object.entries(request.answers).filter(([, v]) => v.trim() !== '');
  const headingId = `rel-req-${request.id}`;

  return (
    <article className="dd-rel-card" data-request={request.id} data-status={request.status} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {request.datasetTitle} · {fmt(m.incoming.of, { org: request.orgName })} <RequestStatusBadge status={request.status} />
      </h3>
      <dl className="dd-rel-meta">
        <dt>{m.incoming.org}</dt>
        <dd data-field="org">{request.orgName}</dd>
        <dt>{m.mine.purpose}</dt>
        <dd data-field="purpose">{request.purpose}</dd>
        <dt>{m.mine.duration}</dt>
        <dd data-field="duration">{fmt(m.mine.days, { days: request.durationDays })}</dd>
        <dt>{m.mine.requestedAt}</dt>
        <dd>{formatDateTime(request.createdAt)}</dd>
        <dt>{m.incoming.answers}</dt>
        <dd data-field="answers">
          {answers.length === 0 ? (
            m.incoming.noAnswers
          ) : (
            <ul>
              {answers.map(([id, value]) => (
                <li key={id} data-answer={id}>
                  <strong>{questionLabel(id)}</strong>: {value}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {request.decidedAt && (
          <>
            <dt>{m.incoming.decidedAt}</dt>
            <dd>
              {formatDateTime(request.decidedAt)}
              {request.decisionNote ? ` — ${request.decisionNote}` : ''}
            </dd>
          </>
        )}
        {request.grant && (
          <>
            <dt>{m.mine.grant}</dt>
            <dd>
              <GrantStateBadge grant={request.grant} /> {fmt(m.mine.until, { date: formatDate(request.grant.expiresAt) })}
            </dd>
          </>
        )}
      </dl>
      {request.status === 'pending' && decides && (
        <div className="dd-rel-form">
          <div className="dd-rel-inline">
            <div>
              <label htmlFor={`${headingId}-note`}>{m.incoming.note}</label>
              <input id={`${headingId}-note`} className="krds-input" value={note} onChange={(e) => setNote(e.target.value)} />
            </div>
            <div>
              <label htmlFor={`${headingId}-expires`}>{m.incoming.expiresAt}</label>
              <input
                id={`${headingId}-expires`}
                className="krds-input"
                type="date"
                value={expiresOn}
                onChange={(e) => setExpiresOn(e.target.value)}
                aria-describedby={`${headingId}-expires-hint`}
              />
              <p className="form-hint" id={`${headingId}-expires-hint`}>
                {m.incoming.expiresAtHint}
              </p>
            </div>
          </div>
          {decide.isError && (
            <ErrorBox error={decide.error}>
              <ProblemList error={decide.error} />
            </ErrorBox>
          )}
          <div className="dd-actions">
            <button type="button" className="krds-btn primary" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
              {m.incoming.approve}
            </button>
            <button type="button" className="krds-btn secondary" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
              {m.incoming.reject}
            </button>
          </div>
        </div>
      )}
      {decide.isSuccess && (
        <p role="status" className="dd-muted" data-decided={decide.data.status}>
          {decide.data.status === 'approved' ? m.incoming.approved : m.incoming.rejected}
        </p>
      )}
    </article>
  );
}

/** The grants the agency gave, each revocable with a reason. */
export function GrantsPanel() {
  const m = useMessages();
  const grants = useQuery(grantsQuery('incoming'));
  return (
    <section className="dd-panel" aria-labelledby="rel-grants-title" data-panel="grants">
      <h2 id="rel-grants-title" className="dd-panel-subtitle dd-first">
        {m.grants.title}
      </h2>
      <p className="dd-body">{m.grants.lead}</p>
      {grants.isPending ? (
        <Loading />
      ) : grants.isError ? (
        <ErrorBox error={grants.error} />
      ) : grants.data.length === 0 ? (
        <p className="dd-muted">{m.grants.empty}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table dd-rel-table">
            <caption className="sr-only">{m.grants.title}</caption>
            <thead>
              <tr>
                <th scope="col">{m.grants.org}</th>
                <th scope="col">{m.grants.dataset}</th>
                <th scope="col">{m.grants.purpose}</th>
                <th scope="col">{m.grants.period}</th>
                <th scope="col">{m.grants.state}</th>
                <th scope="col">{m.grants.revoke}</th>
              </tr>
            </thead>
            <tbody>
              {grants.data.map((g) => (
                <GrantRow key={g.id} grant={g} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function GrantRow({ grant }: { grant: AccessGrant }) {
  const m = useMessages();
  const roles = useReleaseRoles();
  const revokes = roles.operator || roles.agencyIds.includes(grant.providerOrgId);
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const revoke = useMutation({
    mutationFn: () => revokeGrant(grant.id, reason.trim()),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: releaseKeys.all }),
  });
  const inputId = `rel-revoke-${grant.id}`;
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reason.trim() === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    revoke.mutate();
  }
  return (
    <tr data-grant={grant.id} data-active={grant.active ? 'true' : 'false'}>
      <td>{grant.orgName}</td>
      <td>{grant.datasetTitle}</td>
      <td>{grant.purpose}</td>
      <td>
        {formatDate(grant.startsAt)} – {formatDate(grant.expiresAt)}
      </td>
      <td>
        <GrantStateBadge grant={grant} />
        {grant.revokeReason && <span className="dd-ev-sub">{grant.revokeReason}</span>}
      </td>
      <td>
        {grant.revokedAt ? (
          formatDateTime(grant.revokedAt)
        ) : !revokes ? (
          '—'
        ) : (
          <form onSubmit={onSubmit} noValidate className="dd-rel-form">
            <label htmlFor={inputId} className="sr-only">
              {fmt(m.grants.reasonOf, { org: grant.orgName })}
            </label>
            <input
              id={inputId}
              className="krds-input"
              placeholder={m.grants.reason}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={missing ? true : undefined}
              aria-describedby={missing ? `${inputId}-error` : undefined}
            />
            {missing && (
              <p className="form-hint-invalid" id={`${inputId}-error`}>
                {m.grants.reasonRequired}
              </p>
            )}
            {revoke.isError && <ErrorBox error={revoke.error} />}
            <button type="submit" className="krds-btn secondary small" disabled={revoke.isPending}>
              {m.grants.revoke}
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

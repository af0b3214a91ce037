// What anyone may check about the usage record: the latest signed tree head, the public key it
// verifies with, how to verify the whole log offline, and an inclusion check of one event done in
// this browser (WebCrypto SHA-256, RFC 9162 §2.1.3.2).
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { orgsQuery } from '../../session';
import { ErrorBox, formatDateTime, formatNumber, Loading } from '../census/common';
import { fmt } from '../evaluation/strings';
import { UnitLabel, useMessages } from './common';
import { fetchEvent, fetchInclusionProof, latestHeadQuery, publicKeyQuery, type InclusionProof, type LedgerEvent } from './ledgerApi';
import { fromBase64, leafHashHex, verifyInclusion, type InclusionFailure } from './verify';

export const VERIFY_COMMAND = 'datadam ledger verify --public-key key.pem --json';

export function PublicPanel() {
  return (
    <div className="dd-led-public">
      <TreeHeadSection />
      <PublicKeySection />
      <CliSection />
      <InclusionCheck />
    </div>
  );
}

function TreeHeadSection() {
  const m = useMessages();
  const head = useQuery(latestHeadQuery);
  return (
    <section className="dd-panel" aria-labelledby="led-head-title" data-section="tree-head">
      <h2 id="led-head-title" className="dd-panel-subtitle dd-first">
        {m.head.title}
      </h2>
      <p className="dd-muted">{m.head.lead}</p>
      {head.isPending ? (
        <Loading />
      ) : head.isError ? (
        <ErrorBox error={head.error} />
      ) : head.data === null ? (
        <p className="dd-muted" data-tree-head="none">
          {m.head.none}
        </p>
      ) : (
        <dl className="dd-led-meta" data-tree-size={head.data.treeSize}>
          <dt>{m.head.size}</dt>
          <dd data-field="treeSize">{formatNumber(head.data.treeSize)}</dd>
          <dt>{m.head.root}</dt>
          <dd className="dd-led-hex" data-field="rootHash">
            {head.data.rootHash}
          </dd>
          <dt>{m.head.time}</dt>
          <dd data-field="timestamp">
            <time dateTime={head.data.timestamp}>{formatDateTime(head.data.timestamp)}</time>{' '}
            <span className="dd-muted dd-led-hex">{head.data.timestamp}</span>
          </dd>
          <dt>{m.head.keyId}</dt>
          <dd className="dd-led-hex" data-field="keyId">
            {head.data.keyId}
          </dd>
          <dt>{m.head.signature}</dt>
          <dd className="dd-led-hex" data-field="signature">
            {head.data.signature}
          </dd>
        </dl>
      )}
    </section>
  );
}

function PublicKeySection() {
  const m = useMessages();
  const key = useQuery(publicKeyQuery);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);

  async function copy(pem: string) {
    try {
      await navigator.clipboard.writeText(pem);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }

  return (
    <section className="dd-panel" aria-labelledby="led-key-title" data-section="public-key">
      <h2 id="led-key-title" className="dd-panel-subtitle">
        {m.key.title}
      </h2>
      <p className="dd-muted">{m.key.lead}</p>
      {key.isPending ? (
        <Loading />
      ) : key.isError ? (
        <ErrorBox error={key.error} />
      ) : (
        <>
          <dl className="dd-led-meta">
            <dt>{m.key.algorithm}</dt>
            <dd>{key.data.algorithm}</dd>
            <dt>{m.head.keyId}</dt>
            <dd className="dd-led-hex" data-field="keyId">
              {key.data.keyId}
            </dd>
          </dl>
          <pre className="dd-led-pre" data-pem="">
            {key.data.pem}
          </pre>
          <div className="dd-led-actions">
            <button type="button" className="krds-btn secondary small" onClick={() => void copy(key.data.pem)}>
              {m.key.copy}
            </button>
            <a
              className="krds-btn tertiary small"
              href={`data:application/x-pem-file;charset=utf-8,${encodeURIComponent(key.data.pem)}`}
              download="key.pem"
            >
              {m.key.download}
            </a>
            <span role="status" className={copied === 'failed' ? 'form-hint-invalid' : 'dd-muted'}>
              {copied === 'ok' ? m.key.copied : copied === 'failed' ? m.key.copyFailed : ''}
            </span>
          </div>
        </>
      )}
    </section>
  );
}

function CliSection() {
  const m = useMessages();
  return (
    <section className="dd-panel" aria-labelledby="led-cli-title" data-section="cli">
      <h2 id="led-cli-title" className="dd-panel-subtitle">
        {m.cli.title}
      </h2>
      <p className="dd-body">{m.cli.lead}</p>
      <pre className="dd-led-pre">
        <code data-command="">{VERIFY_COMMAND}</code>
      </pre>
      <p className="dd-muted">{m.cli.exit}</p>
    </section>
  );
}

type CheckReason = InclusionFailure | 'ok' | 'leaf-mismatch' | 'no-signed-head';

interface CheckOutcome {
  ok: boolean;
  reason: CheckReason;
  proof: InclusionProof;
  /** The event when the reader may see it: its leaf hash was computed from its canonical bytes. */
  event: LedgerEvent | null;
  computedLeaf: string | null;
  computedRoot: string | null;
}

/** Fetches the proof (and the event when allowed) and checks it here. */
async function checkInclusion(seq: number): Promise<CheckOutcome> {
  const proof = await fetchInclusionProof(seq);
  let event: LedgerEvent | null = null;
  try {
    event = await fetchEvent(seq);
  } catch (error) {
    // Not allowed to see it (or signed out): the proof's own leaf hash is what is checked.
    if (!(error instanceof ApiError) || error.status === 0 || error.status >= 500) throw error;
  }
  const base = { proof, event, computedLeaf: null, computedRoot: null };
  let leaf = proof.leafHash;
  let computedLeaf: string | null = null;
  if (event) {
    computedLeaf = await leafHashHex(fromBase64(event.canonical));
    if (computedLeaf !== proof.leafHash) return { ...base, computedLeaf, ok: false, reason: 'leaf-mismatch' };
    leaf = computedLeaf;
  }
  if (!proof.treeHead || proof.treeHead.treeSize !== proof.treeSize) return { ...base, computedLeaf, ok: false, reason: 'no-signed-head' };
  const result = await verifyInclusion({
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: leaf,
    auditPath: proof.auditPath,
    rootHash: proof.treeHead.rootHash,
  });
  return { ...base, computedLeaf, computedRoot: result.root ?? null, ok: result.ok, reason: result.ok ? 'ok' : result.reason };
}

function InclusionCheck() {
  const m = useMessages();
  const [seqText, setSeqText] = useState('');
  const [invalid, setInvalid] = useState(false);
  const check = useMutation({ mutationFn: checkInclusion });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const seq = Number(seqText.trim());
    if (!Number.isSafeInteger(seq) || seq < 1) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    check.mutate(seq);
  }

  return (
    <section className="dd-panel" aria-labelledby="led-check-title" data-section="inclusion">
      <h2 id="led-check-title" className="dd-panel-subtitle">
        {m.check.title}
      </h2>
      <p className="dd-body">{m.check.lead}</p>
      <form className="dd-led-check" onSubmit={onSubmit} noValidate>
        <div>
          <label htmlFor="led-seq">{m.check.seq}</label>
          <input
            id="led-seq"
            className={`krds-input${invalid ? ' is-error' : ''}`}
            inputMode="numeric"
            value={seqText}
            onChange={(e) => setSeqText(e.target.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? 'led-seq-error' : undefined}
          />
          {invalid && (
            <p id="led-seq-error" className="form-hint-invalid">
              {m.check.invalidSeq}
            </p>
          )}
        </div>
        <button type="submit" className="krds-btn primary" disabled={check.isPending}>
          {check.isPending ? m.check.checking : m.check.submit}
        </button>
      </form>
      <div aria-live="polite">
        {check.isError && <ErrorBox error={check.error} />}
        {check.data && !check.isPending && <CheckResult outcome={check.data} />}
      </div>
    </section>
  );
}

function CheckResult({ outcome }: { outcome: CheckOutcome }) {
  const m = useMessages();
  const orgs = useQuery(orgsQuery).data;
  const { proof, event } = outcome;
  const e = event?.event;
  return (
    <div className="dd-led-result" data-verify={outcome.ok ? 'ok' : 'bad'} data-reason={outcome.reason} data-seq={proof.seq}>
      <p className="dd-led-verdict">{outcome.ok ? m.check.ok : m.check.bad}</p>
      <p>{m.check.reasons[outcome.reason]}</p>
      <p className="dd-muted" data-leaf-source={event ? 'event' : 'proof'}>
        {event ? m.check.leafFromEvent : m.check.leafFromProof}
      </p>
      <dl className="dd-led-meta">
        <dt>{m.check.leafIndex}</dt>
        <dd>{formatNumber(proof.leafIndex)}</dd>
        <dt>{m.check.treeSize}</dt>
        <dd>{formatNumber(proof.treeSize)}</dd>
        <dt>{m.check.leafHash}</dt>
        <dd className="dd-led-hex">{outcome.computedLeaf ?? proof.leafHash}</dd>
        <dt>{m.check.path}</dt>
        <dd>
          {fmt(m.check.pathLength, { count: proof.auditPath.length })}
          {proof.auditPath.map((h) => (
            <span key={h} className="dd-led-hex dd-ev-sub">
              {h}
            </span>
          ))}
        </dd>
        {outcome.computedRoot && (
          <>
            <dt>{m.check.root}</dt>
            <dd className="dd-led-hex">{outcome.computedRoot}</dd>
          </>
        )}
        {proof.treeHead && (
          <>
            <dt>{m.check.signedRoot}</dt>
            <dd className="dd-led-hex">{proof.treeHead.rootHash}</dd>
          </>
        )}
      </dl>
      {e && (
        <>
          <h3 className="dd-panel-subtitle">{m.check.event}</h3>
          <dl className="dd-led-meta" data-event={e.seq}>
            <dt>{m.field.kind}</dt>
            <dd>{e.kind}</dd>
            <dt>{m.field.dataset}</dt>
            <dd className="dd-led-hex">{e.dataset_id}</dd>
            {e.release_id && (
              <>
                <dt>{m.field.release}</dt>
                <dd className="dd-led-hex">{e.release_id}</dd>
              </>
            )}
            <dt>{m.field.org}</dt>
            <dd>{e.org_id ? (orgs?.find((o) => o.id === e.org_id)?.name ?? e.org_id) : '—'}</dd>
            {e.purpose && (
              <>
                <dt>{m.field.purpose}</dt>
                <dd>{e.purpose}</dd>
              </>
            )}
            <dt>{m.field.quantity}</dt>
            <dd>
              {formatNumber(e.quantity)} <UnitLabel unit={e.unit} />
            </dd>
            <dt>{m.field.occurredAt}</dt>
            <dd>{formatDateTime(e.occurred_at)}</dd>
          </dl>
        </>
      )}
    </div>
  );
}

// 이용 기록 Usage record (issue 9): tabs by role — a provider's "who used our data", a consumer's
// "what we used", oversight's everything — and, for everyone, the public verification of the log.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Breadcrumb } from '../../components/Breadcrumb';
import { useTitle } from '../../components/useTitle';
import { sessionQuery } from '../../session';
import { Loading } from '../census/common';
import { useMessages } from './common';
import { ledgerRoles } from './ledgerApi';
import { PublicPanel } from './PublicPanel';
import { en, ko } from './strings';
import { UsagePanel } from './UsagePanel';

type Tab = 'provider' | 'consumer' | 'all' | 'public';

export function LedgerPage() {
  const { t } = useTranslation();
  const m = useMessages();
  const other = m === ko ? en : ko;
  useTitle(m.title);
  const session = useQuery(sessionQuery);
  const roles = ledgerRoles(session.data);
  const tabs: Tab[] = [
    ...(roles.provider ? (['provider'] as const) : []),
    ...(roles.consumer ? (['consumer'] as const) : []),
    ...(roles.oversight ? (['all'] as const) : []),
    'public',
  ];
  const [chosen, setChosen] = useState<Tab | null>(null);
  const tab: Tab = chosen && tabs.includes(chosen) ? chosen : tabs[0]!;

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    const at = tabs.indexOf(tab);
    const next =
      event.key === 'ArrowRight'
        ? tabs[(at + 1) % tabs.length]
        : event.key === 'ArrowLeft'
          ? tabs[(at - 1 + tabs.length) % tabs.length]
          : event.key === 'Home'
            ? tabs[0]
            : event.key === 'End'
              ? tabs[tabs.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    setChosen(next);
    document.getElementById(`led-tab-${next}`)?.focus();
  }

  return (
    <div className="inner dd-section">
      <Breadcrumb trail={[{ label: t('modules.ledger.title') }]} />
      <div className="dd-page-head">
        <h1 className="dd-page-title">
          {m.title} <span className="dd-muted">{other.title}</span>
        </h1>
      </div>
      <p className="dd-body">{m.lead}</p>
      {session.isPending ? (
        <Loading />
      ) : (
        <>
          {!session.data && (
            <p className="dd-muted">
              <Link to="/login" search={{ redirect: '/ledger' }}>
                {m.signInForUsage}
              </Link>
            </p>
          )}
          <div className="krds-tab-area dd-led-tabs">
            <div className="tab line">
              <ul role="tablist" aria-label={m.tabs.label} onKeyDown={onKeyDown}>
                {tabs.map((key) => (
                  <li key={key} role="presentation" className={key === tab ? 'active' : undefined}>
                    <button
                      type="button"
                      role="tab"
                      id={`led-tab-${key}`}
                      className="btn-tab"
                      aria-selected={key === tab}
                      aria-controls={`led-panel-${key}`}
                      tabIndex={key === tab ? 0 : -1}
                      data-tab={key}
                      onClick={() => setChosen(key)}
                    >
                      {m.tabs[key]}
                      <span className="sr-only"> ({m.tabsOther[key]})</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </div>
          <div role="tabpanel" id={`led-panel-${tab}`} aria-labelledby={`led-tab-${tab}`} data-panel={tab}>
            {tab === 'public' ? <PublicPanel /> : <UsagePanel key={tab} view={tab} />}
          </div>
        </>
      )}
    </div>
  );
}

// One view of the usage aggregates: a provider's "who used our data", a consumer's "what we used",
// or oversight's everything. A period filter, the totals per unit, a bar chart per month, tables by
// organisation / dataset / month, and CSV links with the same filters.
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { currentLanguage } from '../../i18n';
import { ErrorBox, formatNumber, Loading } from '../census/common';
import { fmt } from '../evaluation/strings';
import { byteScale, readableBytes, UnitLabel, useMessages } from './common';
import { usageCsvUrl, usageQuery, UNITS, type GroupBy, type Side, type UsageFilter, type UsageRow } from './ledgerApi';

const BAR = '#256ef4';

export type UsageView = 'provider' | 'consumer' | 'all';

/** The tables each view shows (oversight picks one with the group-by switch). */
const TABLES: Record<Exclude<UsageView, 'all'>, GroupBy[]> = {
  provider: ['org', 'dataset'],
  consumer: ['dataset', 'month'],
};

interface Period {
  from: string;
  to: string;
}

/** A YYYY-MM-DD day's local midnight as ISO; `nextDay` for the exclusive end of an inclusive range. */
function dayStart(day: string, nextDay = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (nextDay) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

function filterOf(groupBy: GroupBy, side: Side | undefined, period: Period): UsageFilter {
  const from = dayStart(period.from);
  const to = dayStart(period.to, true);
  return { groupBy, ...(side ? { side } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

const unitOrder = (unit: string) => {
  const i = UNITS.indexOf(unit as (typeof UNITS)[number]);
  return i === -1 ? UNITS.length : i;
};

export function UsagePanel({ view }: { view: UsageView }) {
  const m = useMessages();
  const side: Side | undefined = view === 'all' ? undefined : view;
  const [draft, setDraft] = useState<Period>({ from: '', to: '' });
  const [period, setPeriod] = useState<Period>({ from: '', to: '' });
  const [groupBy, setGroupBy] = useState<GroupBy>('org');
  const tables = view === 'all' ? [groupBy] : TABLES[view];

  const months = useQuery(usageQuery(filterOf('month', side, period)));

  function onApply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPeriod(draft);
  }

  return (
    <div className="dd-led-usage" data-usage-view={view}>
      <p className="dd-body">{m.leads[view]}</p>
      <form className="dd-filter-bar dd-led-filter" onSubmit={onApply} aria-label={m.filter.title}>
        <div className="dd-filters">
          <div className="form-group">
            <label htmlFor={`led-${view}-from`}>{m.filter.from}</label>
            <input
              id={`led-${view}-from`}
              type="date"
              className="krds-input"
              value={draft.from}
              onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            />
          </div>
          <div className="form-group">
            <label htmlFor={`led-${view}-to`}>{m.filter.to}</label>
            <input
              id={`led-${view}-to`}
              type="date"
              className="krds-input"
              value={draft.to}
              onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            />
          </div>
          {view === 'all' && (
            <div className="form-group">
              <label htmlFor="led-all-group">{m.filter.groupBy}</label>
              <select
                id="led-all-group"
                className="krds-form-select"
                value={groupBy}
                onChange={(e) => setGroupBy(e.target.value as GroupBy)}
              >
                {(['org', 'dataset', 'month'] as const).map((g) => (
                  <option key={g} value={g}>
                    {m.groupBy[g]}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="dd-led-actions">
            <button type="submit" className="krds-btn secondary">
              {m.filter.apply}
            </button>
            <button
              type="button"
              className="krds-btn text"
              onClick={() => {
                setDraft({ from: '', to: '' });
                setPeriod({ from: '', to: '' });
              }}
            >
              {m.filter.reset}
            </button>
          </div>
        </div>
        <div className="dd-export">
          <span className="dd-export-label">{m.filter.csv}</span>
          {[...new Set([...tables, 'month' as const])].map((g) => (
            <a key={g} className="krds-btn small tertiary" href={usageCsvUrl(filterOf(g, side, period))} download data-csv={g}>
              {fmt(m.filter.csvBy, { what: m.groupBy[g] })}
            </a>
          ))}
        </div>
      </form>

      {months.isPending ? (
        <Loading />
      ) : months.isError ? (
        <ErrorBox error={months.error} />
      ) : (
        <>
          <Totals totals={months.data.totals} />
          <MonthCharts rows={months.data.rows} />
        </>
      )}

      <div className="dd-led-tables">
        {tables.map((g) => (
          <UsageTable key={`${g}-${view}`} filter={filterOf(g, side, period)} />
        ))}
      </div>
    </div>
  );
}

function Totals({ totals }: { totals: Array<{ unit: string; quantity: number; events: number }> }) {
  const m = useMessages();
  if (totals.length === 0) return <p className="dd-empty dd-muted">{m.totals.none}</p>;
  return (
    <dl className="dd-led-kpis" aria-label={m.totals.title}>
      {[...totals]
        .sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit))
        .map((t) => (
          <div key={t.unit} className="dd-kpi dd-kpi-main" data-total={t.unit} data-quantity={t.quantity}>
            <dt>
              {m.totals.title} · <UnitLabel unit={t.unit} />
            </dt>
            <dd>
              <strong className="dd-kpi-value">{formatNumber(t.quantity)}</strong>
              <span className="dd-kpi-sub">
                {t.unit === 'bytes' && `${readableBytes(t.quantity)} · `}
                {fmt(m.totals.events, { count: formatNumber(t.events) })}
              </span>
            </dd>
          </div>
        ))}
    </dl>
  );
}

/** Every month from the first to the last, so a month without use shows as a gap, not a jump. */
function monthRange(keys: string[]): string[] {
  const sorted = keys.filter((k) => /^\d{4}-\d{2}$/.test(k)).sort();
  if (sorted.length === 0) return [];
  const out: string[] = [];
  let [y, mo] = sorted[0]!.split('-').map(Number) as [number, number];
  const last = sorted[sorted.length - 1]!;
  for (let guard = 0; guard < 600; guard++) {
    const key = `${y}-${String(mo).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) break;
    mo += 1;
    if (mo > 12) {
      mo = 1;
      y += 1;
    }
  }
  return out;
}

function MonthCharts({ rows }: { rows: UsageRow[] }) {
  const units = [...new Set(rows.map((r) => r.unit))].sort((a, b) => unitOrder(a) - unitOrder(b));
  if (units.length === 0) return null;
  return (
    <div className="dd-charts">
      {units.map((unit) => (
        <MonthChart key={unit} unit={unit} rows={rows.filter((r) => r.unit === unit)} />
      ))}
    </div>
  );
}

function MonthChart({ unit, rows }: { unit: string; rows: UsageRow[] }) {
  const m = useMessages();
  const byMonth = new Map(rows.map((r) => [r.key ?? '', r.quantity]));
  const max = Math.max(0, ...rows.map((r) => r.quantity));
  const scale = unit === 'bytes' ? byteScale(max) : { unit: '', factor: 1 };
  const unitName = unit === 'bytes' ? scale.unit : m.units[unit as keyof typeof m.units] || unit;
  const data = monthRange([...byMonth.keys()]).map((month) => ({ month, value: (byMonth.get(month) ?? 0) / scale.factor }));
  const locale = currentLanguage() === 'ko' ? 'ko-KR' : 'en-GB';
  const id = `led-chart-${unit}`;
  return (
    <figure className="dd-chart" aria-labelledby={`${id}-title`} data-chart="month" data-chart-unit={unit}>
      <div className="dd-chart-head">
        <figcaption id={`${id}-title`} className="dd-chart-title">
          {fmt(m.chart.title, { unit: unitName })} <UnitLabel unit={unit} />
        </figcaption>
      </div>
      {data.length === 0 ? (
        <p className="dd-empty dd-muted">{m.chart.empty}</p>
      ) : (
        <div className="dd-chart-canvas" aria-hidden="true">
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
              <CartesianGrid vertical={false} stroke="#e6e8ea" />
              <XAxis dataKey="month" tick={{ fontSize: 12 }} />
              <YAxis
                tick={{ fontSize: 12 }}
                width={72}
                tickFormatter={(v: number) => v.toLocaleString(locale, { maximumFractionDigits: 2 })}
              />
              <Tooltip
                formatter={(v) => [`${Number(v).toLocaleString(locale, { maximumFractionDigits: 3 })} ${unitName}`, m.chart.caption]}
              />
              <Bar dataKey="value" fill={BAR} isAnimationActive={false} maxBarSize={48} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

const TABLE_TITLE = { org: 'byOrg', dataset: 'byDataset', month: 'byMonth' } as const;

function UsageTable({ filter }: { filter: UsageFilter }) {
  const m = useMessages();
  const usage = useQuery(usageQuery(filter));
  const title = m.table[TABLE_TITLE[filter.groupBy]];

  return (
    <section aria-labelledby={`led-table-${filter.groupBy}`} data-table={filter.groupBy}>
      <h3 id={`led-table-${filter.groupBy}`} className="dd-panel-subtitle">
        {title}
      </h3>
      {usage.isPending ? (
        <Loading />
      ) : usage.isError ? (
        <ErrorBox error={usage.error} />
      ) : usage.data.rows.length === 0 ? (
        <p className="dd-muted">{m.table.empty}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{m.groupBy[filter.groupBy]}</th>
                <th scope="col">{m.table.unit}</th>
                <th scope="col" className="dd-led-num">
                  {m.table.quantity}
                </th>
                <th scope="col" className="dd-led-num">
                  {m.table.events}
                </th>
              </tr>
            </thead>
            <tbody>
              {[...usage.data.rows]
                .sort((a, b) => (filter.groupBy === 'month' ? (a.key ?? '').localeCompare(b.key ?? '') : b.quantity - a.quantity))
                .map((row) => (
                  <tr
                    key={`${row.key ?? ''}-${row.unit}`}
                    data-key={row.key ?? ''}
                    data-unit={row.unit}
                    data-quantity={row.quantity}
                    data-events={row.events}
                  >
                    <th scope="row">
                      {row.key === null ? (
                        <span className="dd-muted">{m.table.noOrg}</span>
                      ) : filter.groupBy === 'month' ? (
                        row.key
                      ) : row.name === null ? (
                        <span className="dd-led-hex">{row.key}</span>
                      ) : currentLanguage() === 'en' && row.nameEn ? (
                        row.nameEn
                      ) : (
                        row.name
                      )}
                    </th>
                    <td>
                      <UnitLabel unit={row.unit} />
                    </td>
                    <td className="dd-led-num">
                      {formatNumber(row.quantity)}
                      {row.unit === 'bytes' && <span className="dd-muted dd-ev-sub">{readableBytes(row.quantity)}</span>}
                    </td>
                    <td className="dd-led-num">{formatNumber(row.events)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

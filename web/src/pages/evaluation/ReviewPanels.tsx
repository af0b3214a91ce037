// 신뢰도 Reliability (Krippendorff's alpha per expert criterion, and the entries whose scores
// spread by two points or more: the agenda of the consensus step), and 수요 Demand (the survey's
// aggregate per entry).
import { useQuery } from '@tanstack/react-query';
import { ErrorBox, formatNumber, Loading } from '../census/common';
import { CriterionName, formatScore, useMessages } from './common';
import { fmt } from './strings';
import { demandQuery, reliabilityQuery, rubricQuery, type Round } from './evaluationApi';
import { RoundStatusActions } from './RoundStatusActions';

/** Krippendorff's own reading: ≥ 0.8 reliable, ≥ 0.667 tentative, below that not. */
function alphaClass(alpha: number | null): string {
  if (alpha === null) return 'bg-light-gray';
  if (alpha >= 0.8) return 'bg-light-success';
  if (alpha >= 0.667) return 'bg-light-warning';
  return 'bg-light-danger';
}

function alphaWord(alpha: number | null): 'undefined' | 'good' | 'tentative' | 'low' {
  if (alpha === null) return 'undefined';
  if (alpha >= 0.8) return 'good';
  if (alpha >= 0.667) return 'tentative';
  return 'low';
}

export function ReliabilityPanel({ round, canEdit }: { round: Round; canEdit: boolean }) {
  const m = useMessages();
  const reliability = useQuery(reliabilityQuery(round.id));
  const rubric = useQuery(rubricQuery(round.id)).data?.current ?? null;
  const criterion = (key: string) => {
    const c = rubric?.criteria.find((x) => x.key === key);
    return c ? <CriterionName criterion={c} /> : <code>{key}</code>;
  };
  return (
    <div className="dd-ev-reliability">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.reliability}</h2>
      <p className="dd-body">{m.reliability.lead}</p>
      {reliability.isPending ? (
        <Loading />
      ) : reliability.isError ? (
        <ErrorBox error={reliability.error} />
      ) : (
        <>
          {reliability.data.criteria.length === 0 ? (
            <p className="dd-muted">{m.reliability.noCriteria}</p>
          ) : (
            <div className="krds-table-wrap">
              <table className="tbl col data dd-table">
                <caption className="sr-only">{m.reliability.alphaCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{m.rubric.criterion}</th>
                    <th scope="col">{m.reliability.alpha}</th>
                    <th scope="col">{m.reliability.units}</th>
                    <th scope="col">{m.reliability.pairable}</th>
                  </tr>
                </thead>
                <tbody>
                  {reliability.data.criteria.map((c) => (
                    <tr key={c.key} data-alpha={c.key}>
                      <th scope="row">{criterion(c.key)}</th>
                      <td>
                        <strong>{c.alpha === null ? '—' : formatScore(c.alpha, 3)}</strong>{' '}
                        <span className={`krds-badge ${alphaClass(c.alpha)}`}>{m.reliability.level[alphaWord(c.alpha)]}</span>
                      </td>
                      <td className="dd-ev-num">{formatNumber(c.units)}</td>
                      <td className="dd-ev-num">{formatNumber(c.pairable)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3 className="dd-panel-subtitle">{fmt(m.reliability.flagged, { count: reliability.data.flagged.length })}</h3>
          {reliability.data.flagged.length === 0 ? (
            <p className="dd-muted">{m.reliability.noFlagged}</p>
          ) : (
            <div className="krds-table-wrap">
              <table className="tbl col data dd-table">
                <caption className="sr-only">{m.reliability.flaggedCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">{m.candidates.title}</th>
                    <th scope="col">{m.rubric.criterion}</th>
                    <th scope="col">{m.reliability.scores}</th>
                    <th scope="col">{m.reliability.spread}</th>
                  </tr>
                </thead>
                <tbody>
                  {reliability.data.flagged.map((f) => (
                    <tr key={`${f.entryId}:${f.criterionKey}`} data-flagged={f.entryId}>
                      <th scope="row">{f.title}</th>
                      <td>{criterion(f.criterionKey)}</td>
                      <td>{f.scores.join(', ')}</td>
                      <td className="dd-ev-num">{f.spread}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {canEdit && (
        <>
          <p className="dd-muted">{m.reliability.consensusHelp}</p>
          <RoundStatusActions round={round} />
        </>
      )}
    </div>
  );
}

export function DemandAggregatePanel({ round }: { round: Round }) {
  const m = useMessages();
  const demand = useQuery(demandQuery(round.id));
  return (
    <div className="dd-ev-demand">
      <h2 className="dd-panel-subtitle dd-first">{m.tabs.demand}</h2>
      <p className="dd-body">{m.demand.aggregateLead}</p>
      {demand.isPending ? (
        <Loading />
      ) : demand.isError ? (
        <ErrorBox error={demand.error} />
      ) : demand.data.length === 0 ? (
        <p className="dd-muted">{m.demand.noneYet}</p>
      ) : (
        <div className="krds-table-wrap">
          <table className="tbl col data dd-table">
            <caption className="sr-only">{m.tabs.demand}</caption>
            <thead>
              <tr>
                <th scope="col">{m.candidates.title}</th>
                <th scope="col">{m.demand.statements}</th>
                <th scope="col">{m.demand.score}</th>
              </tr>
            </thead>
            <tbody>
              {[...demand.data]
                .sort((a, b) => b.score - a.score)
                .map((d) => (
                  <tr key={d.entryId} data-demand={d.entryId}>
                    <th scope="row">{d.title}</th>
                    <td className="dd-ev-num">{formatNumber(d.statements)}</td>
                    <td className="dd-ev-num">
                      <span className="dd-meter-wrap">
                        <meter min={0} max={100} value={d.score} aria-label={fmt(m.demand.scoreOf, { title: d.title })} />{' '}
                        {formatScore(d.score, 1)}
                      </span>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

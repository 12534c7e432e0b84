// The matching review queue: pairs of source records that matching thought might be one person
// but would not link on its own, strongest evidence first. Each opens a side-by-side comparison.
import { useState } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { followLink, useLocation } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { formatDate, formatNhsNumber } from '../ig/display-formats.ts';
import { type Candidate, type MatchSide, type QueuePage, reviewQueue } from './match-review.ts';
import { evidenceWords, ruleInShort, signedWeight, titleCase } from './match-words.ts';

const PAGE_SIZE = 25;

export const sideName = (side: MatchSide): string =>
  titleCase([side.given, side.middle, side.family].filter(Boolean).join(' ')) || 'Name not recorded';

function SideCell({ side }: { side: MatchSide }) {
  return (
    <td className="nhsuk-table__cell">
      <strong>{sideName(side)}</strong>
      {side.birthDate && <><br />Born {formatDate(side.birthDate)}</>}
      {side.nhsNumber && <><br />NHS number {formatNhsNumber(side.nhsNumber)}</>}
      {side.source && <><br /><span className="sc-secondary">From {side.source}</span></>}
    </td>
  );
}

/** What the queue says after a decision made on the comparison page. */
function DecisionMade() {
  const query = new URLSearchParams(useLocation().split('?')[1] ?? '');
  const linked = query.get('linked');
  const rejected = query.get('rejected');
  if (!linked && !rejected) return <div role="status" />;
  return (
    <div role="status">
      <div className="nhsuk-inset-text">
        <p>{linked
          ? `Linked: ${linked} are now one person.`
          : `Recorded as not the same person: ${rejected} will not be linked automatically.`}</p>
      </div>
    </div>
  );
}

export function QueuePage() {
  const [first] = useLoad(() => reviewQueue('open', 0, PAGE_SIZE), []);
  const [more, setMore] = useState<QueuePage[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error>();

  async function showMore(offset: number) {
    setLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await reviewQueue('open', offset, PAGE_SIZE);
      setMore((m) => [...m, page]);
    } catch (error) {
      setMoreError(error as Error);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <>
      <h1>Possible matches to review</h1>
      <p>Matching found these pairs of records that might belong to one person but was not sure enough to link them. Compare each pair and decide.</p>
      <DecisionMade />
      {first.state === 'loading' && <Loading what="the review queue" />}
      {first.state === 'failed' && <Problem error={first.error} />}
      {first.state === 'ready' && <QueueTable pages={[first.data, ...more]} />}
      {moreError && <Problem error={moreError} />}
      {first.state === 'ready' && [first.data, ...more].at(-1)!.next !== undefined && (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={loadingMore}
          onClick={() => void showMore([first.data, ...more].at(-1)!.next!)}>
          {loadingMore ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

function QueueTable({ pages }: { pages: QueuePage[] }) {
  const candidates: Candidate[] = pages.flatMap((p) => p.candidates);
  const total = pages[0]!.total;
  if (total === 0) return <p>There are no possible matches waiting for review.</p>;
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption">{total} {total === 1 ? 'pair' : 'pairs'} waiting for review, strongest evidence first</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">Record 1</th>
          <th className="nhsuk-table__header" scope="col">Record 2</th>
          <th className="nhsuk-table__header" scope="col">Evidence</th>
          <th className="nhsuk-table__header" scope="col"><span className="nhsuk-u-visually-hidden">Action</span></th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {candidates.map((c) => (
          <tr className="nhsuk-table__row" key={c.id}>
            <SideCell side={c.left} />
            <SideCell side={c.right} />
            <td className="nhsuk-table__cell">
              {evidenceWords(c.weight)}
              <br /><span className="sc-secondary">Match weight {signedWeight(c.weight)}</span>
              {ruleInShort(c.rule) && <><br /><span className="sc-secondary">{ruleInShort(c.rule)}</span></>}
            </td>
            <td className="nhsuk-table__cell">
              <a href={`/matching/${encodeURIComponent(c.id)}`} onClick={followLink}>
                Compare<span className="nhsuk-u-visually-hidden"> {sideName(c.left)} and {sideName(c.right)}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// "Break glass and self-claim review": every access made by breaking glass or on a self-claimed
// relationship, with who, whose record, when and the reason they gave. A privacy officer marks
// each as reviewed (appropriate or not, with a note); reviewed ones show who reviewed and when.
import { useState } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { followLink, useLocation } from '../../lib/router.ts';
import type { AuditRow } from './audit-report.ts';
import { agentName, interactionWords, outcomeOf, roleName } from './audit-words.ts';
import { type Names, organisationText, peopleText } from './directory-names.ts';
import { formatDateTime } from './display-formats.ts';
import { usePagedReport } from './paged-report.ts';
import { ReviewForm } from './review-form.tsx';
import { ShowOlder } from './show-older.tsx';

type ClaimReport = 'break-glass' | 'self-claim';

const KINDS: Record<ClaimReport, { heading: string; verb: string; none: string }> = {
  // Each row is one access made on that basis: the claim itself, and what was opened under it.
  'break-glass': { heading: 'Break glass', verb: 'under break glass', none: 'break-glass access' },
  'self-claim': { heading: 'Self-claimed relationships', verb: 'on a self-claimed relationship', none: 'self-claimed access' },
};

function ReviewState({ row }: { row: AuditRow }) {
  if (!row.review || row.review === 'pending') return <strong className="nhsuk-tag nhsuk-tag--grey">Not yet reviewed</strong>;
  return (
    <>
      <strong className={`nhsuk-tag ${row.review === 'appropriate' ? 'nhsuk-tag--green' : 'nhsuk-tag--red'}`}>
        {row.review === 'appropriate' ? 'Appropriate' : 'Not appropriate'}
      </strong>
      <br />
      Reviewed by {row.reviewer ?? 'someone'}{row.reviewedAt && <> on <time dateTime={row.reviewedAt}>{formatDateTime(row.reviewedAt)}</time></>}
      {row.reviewNote && <><br />Note: {row.reviewNote}</>}
    </>
  );
}

function SummaryRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

function ClaimCard({ row, kind, names, onReviewed }: { row: AuditRow; kind: ClaimReport; names: Names; onReviewed: (message: string) => void }) {
  const who = agentName(row);
  const when = formatDateTime(row.recorded);
  const outcome = outcomeOf(row.outcome);
  const pending = !row.review || row.review === 'pending';
  return (
    <div className="nhsuk-card">
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading">Access by {who} {KINDS[kind].verb}</h3>
        <dl className="nhsuk-summary-list">
          <SummaryRow label="Whose record">{peopleText(names, row.patients)}</SummaryRow>
          <SummaryRow label="When"><time dateTime={row.recorded}>{when}</time></SummaryRow>
          <SummaryRow label="Role and organisation">{[roleName(row.role), organisationText(names, row.organization)].filter(Boolean).join(', ') || 'Not recorded'}</SummaryRow>
          <SummaryRow label="What was done">{interactionWords(row.interaction)}</SummaryRow>
          <SummaryRow label="Reason recorded">{row.reason ?? 'None given'}</SummaryRow>
          <SummaryRow label="Outcome"><strong className={`nhsuk-tag ${outcome.tag}`}>{outcome.text}</strong></SummaryRow>
          <SummaryRow label="Review"><ReviewState row={row} /></SummaryRow>
        </dl>
        {pending && (
          <details className="nhsuk-details">
            <summary className="nhsuk-details__summary">
              <span className="nhsuk-details__summary-text">Review this access</span>
            </summary>
            <div className="nhsuk-details__text">
              <ReviewForm seq={row.seq} onReviewed={(judged) =>
                onReviewed(`${who}’s access on ${when} is marked as reviewed: ${judged === 'appropriate' ? 'appropriate' : 'not appropriate'}.`)} />
            </div>
          </details>
        )}
      </div>
    </div>
  );
}

function ClaimList({ kind, showAll, onReviewed }: { kind: ClaimReport; showAll: boolean; onReviewed: (message: string) => void }) {
  const report = usePagedReport(kind, showAll ? [] : [['review', 'pending']], true);
  const { heading, none } = KINDS[kind];
  return (
    <section aria-labelledby={`${kind}-heading`}>
      <h2 id={`${kind}-heading`}>{heading}</h2>
      {report.state === 'loading' && <Loading what={heading.toLowerCase()} />}
      {report.state === 'failed' && <Problem error={report.error!} />}
      {report.state === 'ready' && report.rows.length === 0 && <p>There is no {none}{showAll ? '' : ' waiting for review'}.</p>}
      {report.state === 'ready' && report.rows.length > 0 && (
        <>
          {report.rows.map((row) => (
            <ClaimCard key={row.seq} row={row} kind={kind} names={report.names} onReviewed={(message) => {
              onReviewed(message);
              report.reload();
            }} />
          ))}
          <ShowOlder report={report} noun={['access', 'accesses']} />
        </>
      )}
    </section>
  );
}

export function ClaimsReviewPage() {
  const location = useLocation();
  const showAll = new URLSearchParams(location.split('?')[1] ?? '').get('show') === 'all';
  const [done, setDone] = useState<string>();
  return (
    <>
      <p>Each access made by breaking glass or on a self-claimed relationship needs a review: was it appropriate?</p>
      <p>{showAll ? 'Showing all, including those already reviewed.' : 'Showing those not yet reviewed.'}</p>
      <p>
        {showAll
          ? <a href="/ig/claims" onClick={followLink}>Show only those not yet reviewed</a>
          : <a href="/ig/claims?show=all" onClick={followLink}>Show all, including reviewed</a>}
      </p>
      <div role="status">
        {done && <div className="nhsuk-inset-text"><p>{done}</p></div>}
      </div>
      <ClaimList kind="break-glass" showAll={showAll} onReviewed={setDone} />
      <ClaimList kind="self-claim" showAll={showAll} onReviewed={setDone} />
    </>
  );
}

// A privacy officer's judgement of an audited access (break-glass, self-claim, a denial): was it
// appropriate? Reviews are append-only; a second look adds a row and the latest one stands.
import { FhirError, invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { toInstant } from '../../store/stored-row.ts';

export const REVIEW_OUTCOMES = ['appropriate', 'inappropriate'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface AuditReviewInput {
  seq: string;
  /** Who reviewed: the token subject, or `cli:<user>` from the command line. */
  reviewer: string;
  reviewerName?: string;
  outcome: ReviewOutcome;
  note: string;
}

export interface AuditReview extends AuditReviewInput {
  id: string;
  reviewedAt: string;
}

export function isReviewOutcome(value: string): value is ReviewOutcome {
  return (REVIEW_OUTCOMES as readonly string[]).includes(value);
}

/** Records a review of event `seq`; 404 if there is no such event. */
export async function recordAuditReview(q: Queryable, input: AuditReviewInput): Promise<AuditReview> {
  if (!/^\d{1,18}$/.test(input.seq)) throw invalid('AUDIT_REVIEW_PARAMETER', "'seq' must be an AuditEvent id", 'seq');
  if (!isReviewOutcome(input.outcome)) throw invalid('AUDIT_REVIEW_PARAMETER', "'outcome' must be appropriate or inappropriate", 'outcome');
  const note = input.note.trim();
  if (!note) throw invalid('AUDIT_REVIEW_PARAMETER', 'Say why (note)', 'note');
  const { rows } = await q.query<{ id: string; reviewed_at: string }>(
    `INSERT INTO audit_review (seq, reviewer, reviewer_name, outcome, note)
     SELECT seq, $2, $3, $4, $5 FROM audit_event WHERE seq = $1::bigint
     RETURNING id, reviewed_at::text AS reviewed_at`,
    [input.seq, input.reviewer, input.reviewerName ?? null, input.outcome, note],
  );
  const row = rows[0];
  if (!row) throw new FhirError('not-found', 'AUDIT_EVENT_NOT_FOUND', `No AuditEvent ${input.seq}`);
  return { ...input, note, id: String(row.id), reviewedAt: toInstant(row.reviewed_at) };
}

// The words of the link store: a source Patient's link to a person, the changes matching and
// reviewers make to links, standing rules, review candidates and the history of every decision.
// Modelled on HAPI FHIR MDM links (AUTO/MANUAL, manual sticks). See: docs/identity/review.md
import type { MatchRecord, PairScore } from '../match-types.ts';

/** Who decided: a token subject, a reviewer's name, or the matcher (e.g. `sharedcare:matcher`). */
export type Actor = string;

/** auto: matching decided; manual: a person decided, and no automatic change may undo it. */
export type LinkKind = 'auto' | 'manual';

/** Why a record is in its person: a shared NHS number, a probabilistic match, a reviewer, or alone. */
export type LinkBasis = 'nhs-number' | 'probabilistic' | 'manual' | 'sole';

/** link: first placed or re-based in place; move: to another person; merge: moved by a merge; unlink: taken out. */
export type LinkAction = 'link' | 'move' | 'merge' | 'unlink';

/** One wanted link: put `patientId` in `personId` for this reason. */
export interface LinkChange {
  patientId: string;
  personId: string;
  kind: LinkKind;
  basis: LinkBasis;
  weight?: number;
  explanation?: PairScore;
  reason?: string;
}

/** A current identity_link row: the change as it was made, with who made it and when. */
export interface LinkRow extends LinkChange {
  decidedBy: Actor;
  decidedAt: string;
}

/** One identity_link_history row: a decision as it was made, never changed. */
export interface LinkHistoryEntry {
  id: string;
  patientId: string;
  personId?: string;
  previousPersonId?: string;
  action: LinkAction;
  kind: LinkKind;
  basis?: LinkBasis;
  weight?: number;
  explanation?: PairScore;
  decidedBy: Actor;
  reason?: string;
  at: string;
}

/** same: always one person; different: never linked automatically. */
export type RuleKind = 'same' | 'different';

/** A reviewer's standing decision about two source Patients; `left` < `right`. */
export interface LinkRule {
  left: string;
  right: string;
  rule: RuleKind;
  decidedBy: Actor;
  reason?: string;
  at: string;
}

export type CandidateStatus = 'open' | 'linked' | 'rejected' | 'superseded';
export const CANDIDATE_STATUSES: readonly CandidateStatus[] = ['open', 'linked', 'rejected', 'superseded'];

export type ReviewDecision = 'link' | 'reject';

/** One side of a review candidate: the record, what matching knows of it, and its current person. */
export interface CandidateSide {
  patientId: string;
  personId?: string;
  record?: MatchRecord;
}

/** A pair in the review queue with the score that put it there. */
export interface Candidate {
  id: string;
  left: CandidateSide;
  right: CandidateSide;
  weight: number;
  probability: number;
  /** The pair's score when it was last refreshed: grade, per-field weights, reason. */
  score: PairScore;
  status: CandidateStatus;
  createdAt: string;
  decidedBy?: Actor;
  decidedAt?: string;
  /** The reviewer's reason for the decision (not the matcher's). */
  decisionReason?: string;
}

export interface CandidateQuery {
  status?: CandidateStatus;
  limit: number;
  offset: number;
}

export type HistoryQuery = { patientId: string } | { personId: string };

/** What upsertCandidates did with each pair. */
export interface CandidateUpsert {
  added: number;
  refreshed: number;
  /** Already decided, already one person, or covered by a rule. */
  skipped: number;
}

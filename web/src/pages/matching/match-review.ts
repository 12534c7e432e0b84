// The identity review queue over FHIR: $match-review lists candidate pairs with their per-field
// match weights, $match-review-decide links or rejects one. See docs/identity/review.md.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { fhir, parameters } from '../../lib/fhir.ts';

/** One side of a pair: the source record and its normalised match features. */
export interface MatchSide {
  /** `Patient/id` */
  patient: string;
  person?: string;
  source?: string;
  nhsNumber?: string;
  nhsVerified?: boolean;
  given?: string;
  middle?: string;
  family?: string;
  birthDate?: string;
  sex?: string;
  postcode?: string;
  town?: string;
  email?: string;
  phone?: string;
  placeholder?: string;
}

export interface FieldEvidence {
  field: string;
  level: string;
  weight: number;
  tfAdjustment?: number;
  left?: string;
  right?: string;
}

export type CandidateStatus = 'open' | 'linked' | 'rejected' | 'superseded';

export interface Candidate {
  id: string;
  status: CandidateStatus;
  weight: number;
  probability: number;
  grade: string;
  rule?: string;
  reason: string;
  left: MatchSide;
  right: MatchSide;
  fields: FieldEvidence[];
  created: string;
  decidedBy?: string;
  decided?: string;
  decisionReason?: string;
}

export interface QueuePage {
  total: number;
  candidates: Candidate[];
  /** The offset of the next page, when there is one. */
  next?: number;
}

function value(part: ParametersParameter): string | number | boolean | undefined {
  return part.valueString ?? part.valueCode ?? part.valueDecimal ?? part.valueInteger ?? part.valueBoolean ?? part.valueInstant ?? part.valueReference?.reference;
}

function flat(parts: readonly ParametersParameter[]): Record<string, unknown> {
  return Object.fromEntries(parts.flatMap((p) => (p.part ? [] : [[p.name, value(p)]])));
}

function candidateOf(part: ParametersParameter): Candidate {
  const parts = part.part ?? [];
  const side = (name: string) => flat(parts.find((p) => p.name === name)?.part ?? []) as unknown as MatchSide;
  const fields = parts.filter((p) => p.name === 'field').map((p) => flat(p.part ?? []) as unknown as FieldEvidence);
  return { ...(flat(parts) as unknown as Candidate), left: side('left'), right: side('right'), fields };
}

/** A page of candidates with this status, highest weight first. */
export async function reviewQueue(status: CandidateStatus, offset = 0, count = 50): Promise<QueuePage> {
  const answer = await fhir<Parameters>(`$match-review?status=${status}&_count=${count}&_offset=${offset}`);
  const params = answer.parameter ?? [];
  const next = params.find((p) => p.name === 'next')?.valueInteger;
  return {
    total: params.find((p) => p.name === 'total')?.valueInteger ?? 0,
    candidates: params.filter((p) => p.name === 'candidate').map(candidateOf),
    ...(next !== undefined ? { next } : {}),
  };
}

const STATUSES: CandidateStatus[] = ['open', 'linked', 'rejected', 'superseded'];

/** One candidate by id, looked for in the open queue first, then among decided ones. */
export async function findCandidate(id: string): Promise<Candidate | undefined> {
  for (const status of STATUSES) {
    const page = await reviewQueue(status, 0, 500);
    const found = page.candidates.find((c) => c.id === id);
    if (found) return found;
  }
  return undefined;
}

/** Links the pair (the right record's person merges into the left's) or records that they differ. */
export async function decide(id: string, decision: 'link' | 'reject', reason: string): Promise<{ candidate: Candidate; person?: string }> {
  const answer = await fhir<Parameters>('$match-review-decide', { method: 'POST', body: parameters({ candidate: id, decision, reason }) });
  const params = answer.parameter ?? [];
  const candidate = params.find((p) => p.name === 'candidate');
  const person = params.find((p) => p.name === 'person')?.valueReference?.reference;
  return { candidate: candidateOf(candidate!), ...(person ? { person } : {}) };
}

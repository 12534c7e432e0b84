// One person across systems over HTTP: GET [base]/$match-review lists the review queue, POST
// [base]/$match-review-decide links or rejects a pair, POST Person/{id}/$unlink takes a record out
// of a person, GET Person/{id}/$link-history shows every decision. See: docs/identity/review.md
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { LinkStore } from '../../identity/links/link-store.ts';
import { CANDIDATE_STATUSES, type Candidate, type CandidateSide, type CandidateStatus, type LinkHistoryEntry } from '../../identity/links/link-types.ts';
import type { MatchRecord } from '../../identity/match-types.ts';
import { requireIdentityAccess } from '../auth/access.ts';
import { grantOf } from '../rest-semantics.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';
import { operationInput, type OperationInput } from './operation-input.ts';

const DEFAULT_COUNT = 50;
const MAX_COUNT = 500;
const DECISIONS = ['link', 'reject'] as const;

/** Runs `fn` with a link store in one transaction; errors name the parameter as the caller sent it. */
async function withLinks<T>(ctx: FhirContext, input: OperationInput, fn: (links: LinkStore) => Promise<T>): Promise<T> {
  try {
    return await ctx.repo.transaction((repo, sql) => fn(new LinkStore(repo, sql)));
  } catch (err) {
    if (err instanceof FhirError) {
      for (const issue of err.issues) if (issue.expression) issue.expression = issue.expression.map((e) => (/^\w+$/.test(e) ? input.location(e) : e));
    }
    throw err;
  }
}

const text = (name: string, value: string | undefined): ParametersParameter[] => (value === undefined ? [] : [{ name, valueString: value }]);

function recordParts(record: MatchRecord | undefined): ParametersParameter[] {
  if (!record) return [];
  const { id: _id, nhsVerified, ...fields } = record;
  return [
    ...Object.entries(fields).flatMap(([name, value]) => text(name, typeof value === 'string' ? value : undefined)),
    ...(nhsVerified !== undefined ? [{ name: 'nhsVerified', valueBoolean: nhsVerified }] : []),
  ];
}

function sidePart(name: string, side: CandidateSide): ParametersParameter {
  return {
    name,
    part: [
      { name: 'patient', valueReference: { reference: `Patient/${side.patientId}` } },
      ...(side.personId ? [{ name: 'person', valueReference: { reference: `Person/${side.personId}` } }] : []),
      ...recordParts(side.record),
    ],
  };
}

/** One review candidate: both sides, the score with its per-field weights, and any decision. */
export function candidatePart(c: Candidate): ParametersParameter {
  return {
    name: 'candidate',
    part: [
      { name: 'id', valueString: c.id },
      { name: 'status', valueCode: c.status },
      { name: 'weight', valueDecimal: c.weight },
      { name: 'probability', valueDecimal: c.probability },
      { name: 'grade', valueCode: c.score.grade },
      ...(c.score.rule ? [{ name: 'rule', valueCode: c.score.rule }] : []),
      { name: 'reason', valueString: c.score.reason },
      sidePart('left', c.left),
      sidePart('right', c.right),
      ...c.score.fields.map((f) => ({
        name: 'field',
        part: [
          { name: 'field', valueCode: f.field }, { name: 'level', valueString: f.level }, { name: 'weight', valueDecimal: f.weight },
          ...(f.tfAdjustment !== undefined ? [{ name: 'tfAdjustment', valueDecimal: f.tfAdjustment }] : []),
          ...text('left', f.left), ...text('right', f.right),
        ],
      })),
      { name: 'created', valueInstant: c.createdAt },
      ...text('decidedBy', c.decidedBy),
      ...(c.decidedAt ? [{ name: 'decided', valueInstant: c.decidedAt }] : []),
      ...text('decisionReason', c.decisionReason),
    ],
  };
}

function historyPart(h: LinkHistoryEntry): ParametersParameter {
  return {
    name: 'entry',
    part: [
      { name: 'id', valueString: h.id },
      { name: 'action', valueCode: h.action },
      { name: 'patient', valueReference: { reference: `Patient/${h.patientId}` } },
      ...(h.personId ? [{ name: 'person', valueReference: { reference: `Person/${h.personId}` } }] : []),
      ...(h.previousPersonId ? [{ name: 'previousPerson', valueReference: { reference: `Person/${h.previousPersonId}` } }] : []),
      { name: 'kind', valueCode: h.kind },
      ...(h.basis ? [{ name: 'basis', valueCode: h.basis }] : []),
      ...(h.weight !== undefined ? [{ name: 'weight', valueDecimal: h.weight }] : []),
      { name: 'by', valueString: h.decidedBy },
      ...text('reason', h.reason),
      { name: 'at', valueInstant: h.at },
    ],
  };
}

const parameters = (parameter: ParametersParameter[]): Parameters => ({ resourceType: 'Parameters', parameter });

function oneOf<T extends string>(input: OperationInput, name: string, allowed: readonly T[]): T | undefined {
  const value = input.string(name);
  if (value !== undefined && !allowed.includes(value as T)) {
    throw invalid('IDENTITY_PARAMETER', `'${name}' must be one of ${allowed.join(', ')}`, input.location(name));
  }
  return value as T | undefined;
}

function requiredReason(input: OperationInput): string {
  const reason = input.string('reason')?.trim();
  if (!reason) throw invalid('IDENTITY_REASON_REQUIRED', 'Say why (reason): every manual link decision needs one', input.location('reason'));
  return reason;
}

/** GET [base]/$match-review?status=open&_count=&_offset= — the review queue, highest weight first. */
export const matchReviewOperation: Interaction = async (req, ctx) => {
  requireIdentityAccess(grantOf(req), 'read');
  const input = operationInput(req);
  const status: CandidateStatus = oneOf(input, 'status', CANDIDATE_STATUSES) ?? 'open';
  const count = Math.min(input.integer('_count') ?? DEFAULT_COUNT, MAX_COUNT);
  const offset = input.integer('_offset') ?? 0;
  const [candidates, total] = await withLinks(ctx, input, async (links) =>
    [await links.listCandidates({ status, limit: count, offset }), await links.countCandidates(status)] as const);
  const more = offset + candidates.length < total && count > 0;
  return { status: 200, body: parameters([
    { name: 'total', valueInteger: total },
    ...candidates.map(candidatePart),
    ...(more ? [{ name: 'next', valueInteger: offset + candidates.length }] : []),
  ]) };
};

/** POST [base]/$match-review-decide with candidate, decision (link | reject) and reason. */
export const matchReviewDecideOperation: Interaction = async (req, ctx) => {
  requireIdentityAccess(grantOf(req), 'decide');
  const input = operationInput(req);
  const id = input.string('candidate');
  if (!id) throw invalid('IDENTITY_PARAMETER', "Name the review candidate (candidate)", input.location('candidate'));
  const decision = oneOf(input, 'decision', DECISIONS);
  if (!decision) throw invalid('IDENTITY_PARAMETER', "Say 'link' or 'reject' (decision)", input.location('decision'));
  const reason = requiredReason(input);
  const result = await withLinks(ctx, input, (links) => links.decide(id, decision, req.principal.subject, reason));
  return { status: 200, body: parameters([
    candidatePart(result.candidate),
    ...(result.personId ? [{ name: 'person', valueReference: { reference: `Person/${result.personId}` } }] : []),
  ]) };
};

/** The patient id from a `patient` parameter given as a reference (`Patient/x`) or a plain id. */
function patientParameter(req: FhirRequest, input: OperationInput): string {
  const body = req.body as Parameters | undefined;
  const reference = body?.parameter?.find((p) => p.name === 'patient')?.valueReference?.reference;
  const value = reference ?? input.string('patient');
  const id = value?.replace(/^Patient\//, '');
  if (!id || !/^[A-Za-z0-9\-.]{1,64}$/.test(id)) throw invalid('IDENTITY_PARAMETER', 'Name the record to unlink (patient: Patient/{id})', input.location('patient'));
  return id;
}

/** POST [base]/Person/{id}/$unlink with patient and reason: the record moves to a new person of its own. */
export const personUnlinkOperation: Interaction = async (req, ctx) => {
  requireIdentityAccess(grantOf(req), 'decide');
  const input = operationInput(req);
  const personId = req.segments[1]!;
  const patientId = patientParameter(req, input);
  const reason = requiredReason(input);
  const newPerson = await withLinks(ctx, input, async (links) => {
    const members = await links.members(personId);
    if (members.length === 0) throw new FhirError('not-found', 'IDENTITY_PERSON_NOT_FOUND', `Person/${personId} has no linked records`);
    if (!members.some((m) => m.patientId === patientId)) {
      throw new FhirError('conflict', 'IDENTITY_NOT_MEMBER', `Patient/${patientId} is not linked to Person/${personId}`, 'patient');
    }
    return links.unlink(patientId, req.principal.subject, reason);
  });
  return { status: 200, body: parameters([
    { name: 'person', valueReference: { reference: `Person/${newPerson}` } },
    { name: 'previous', valueReference: { reference: `Person/${personId}` } },
  ]) };
};

/** GET [base]/Person/{id}/$link-history: every decision that put a record in or took one out, newest first. */
export const personLinkHistoryOperation: Interaction = async (req, ctx) => {
  requireIdentityAccess(grantOf(req), 'read');
  const input = operationInput(req);
  const personId = req.segments[1]!;
  const entries = await withLinks(ctx, input, (links) => links.history({ personId }));
  if (entries.length === 0) throw new FhirError('not-found', 'IDENTITY_PERSON_NOT_FOUND', `Person/${personId} has no link history`);
  return { status: 200, body: parameters(entries.map(historyPart)) };
};

// A member of staff's standing with one person, and the three things they can do about it:
//   GET  Patient/{id}/$access            what the caller may see of this person and why, or what to do
//   POST Patient/{id}/$claim-access       self-claim a relationship, or break glass (reason required)
//   POST Patient/{id}/$consent-to-view    record the person's answer when asked for consent to view
// Each claim and answer is audited with its reason; claims appear in the privacy officer's reviews.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { recordClaim, type ClaimKind } from '../../governance/policy/access-claims.ts';
import { PURPOSE } from '../../governance/principal.ts';
import { personKeyOf } from '../../store/hash.ts';
import type { Interaction } from '../fhir-request.ts';
import { grantOf, access } from '../rest-semantics.ts';
import { operationInput, type OperationInput } from './operation-input.ts';

const MIN_REASON = 10;

function parameters(parameter: ParametersParameter[]): Parameters {
  return { resourceType: 'Parameters', parameter };
}

export const accessStatusOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const grant = grantOf(req);
  await ctx.repo.read('Patient', id, access(req, 'Patient', 'r'));
  const key = personKeyOf(id);
  const relationship = grant.relationships.get(key);
  const visible = grant.personKeys === undefined || grant.personKeys.includes(key);
  const withheld = grant.withheld?.get(key);
  const role = grant.role;
  return {
    status: 200,
    body: parameters([
      { name: 'visible', valueBoolean: visible },
      ...(relationship?.bases ?? []).map((b) => ({ name: 'basis', valueCode: b })),
      ...(withheld ? [{ name: 'withheld', valueCode: withheld }] : []),
      { name: 'canSelfClaim', valueBoolean: grant.callerClass === 'user' && !!role?.selfClaim },
      { name: 'canBreakGlass', valueBoolean: grant.callerClass === 'user' && !!role?.breakGlass },
      { name: 'consentToViewRequired', valueBoolean: grant.callerClass === 'user' && grant.policy.consent.consentToView },
      { name: 'canContributeCarePlan', valueBoolean: grant.callerClass === 'user' && !!role?.contributeCarePlan },
      ...(role?.categories ?? []).map((c) => ({ name: 'category', valueCode: c })),
    ]),
    audit: { patients: [`Patient/${id}`] },
  };
};

export const claimAccessOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const grant = grantOf(req);
  const input = operationInput(req);
  const kind = oneOf(input, 'kind', ['self-claim', 'break-glass'] as const);
  const reason = requiredReason(input, input.string('reason'));
  if (grant.callerClass !== 'user') throw new FhirError('forbidden', 'POLICY_CLAIM_CALLER', 'Only a signed-in member of staff can claim access to a person');
  const allowed = kind === 'self-claim' ? grant.role?.selfClaim : grant.role?.breakGlass;
  if (!allowed) {
    throw new FhirError('forbidden', 'POLICY_CLAIM_ROLE', `The ${grant.role?.name ?? 'role'} may not ${kind === 'self-claim' ? 'self-claim a relationship' : 'break glass'} in this deployment`);
  }
  await ctx.repo.read('Patient', id, access(req, 'Patient', 'r'));
  const hours = kind === 'self-claim' ? grant.policy.claims.selfClaimHours : grant.policy.claims.breakGlassHours;
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await ctx.repo.transaction((_, sql) => recordClaim(sql, { principal: req.principal, patientId: id, kind, reason, expiresAt }));
  return {
    status: 200,
    body: parameters([{ name: 'kind', valueCode: kind }, { name: 'expires', valueInstant: expiresAt.toISOString() }]),
    audit: {
      patients: [`Patient/${id}`],
      basis: kind === 'self-claim' ? 'self-claimed' : 'break-glass',
      reason,
      ...(kind === 'break-glass' ? { purposeOfUse: PURPOSE.breakGlass } : {}),
    },
  };
};

export const consentToViewOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  const grant = grantOf(req);
  const input = operationInput(req);
  const answer = oneOf(input, 'answer', ['given', 'refused'] as const);
  const note = input.string('note')?.trim();
  if (grant.callerClass !== 'user') throw new FhirError('forbidden', 'POLICY_CLAIM_CALLER', 'Only a signed-in member of staff records consent to view');
  await ctx.repo.read('Patient', id, access(req, 'Patient', 'r'));
  const kind: ClaimKind = answer === 'given' ? 'consent-given' : 'consent-refused';
  const reason = note ? `${answer}: ${note}` : answer;
  const expiresAt = new Date(Date.now() + grant.policy.consent.consentToViewMinutes * 60_000);
  await ctx.repo.transaction((_, sql) => recordClaim(sql, { principal: req.principal, patientId: id, kind, reason, expiresAt }));
  return {
    status: 200,
    body: parameters([{ name: 'answer', valueCode: answer }, { name: 'expires', valueInstant: expiresAt.toISOString() }]),
    audit: { patients: [`Patient/${id}`], reason },
  };
};

function oneOf<T extends string>(input: OperationInput, name: string, allowed: readonly T[]): T {
  const value = input.string(name);
  if (!allowed.includes(value as T)) throw invalid('OPERATION_PARAMETER_CODE', `'${name}' must be one of: ${allowed.join(', ')}`, input.location(name));
  return value as T;
}

function requiredReason(input: OperationInput, reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length < MIN_REASON) {
    throw invalid('POLICY_CLAIM_REASON', `Give a reason of at least ${MIN_REASON} characters; the privacy officer reviews it`, input.location('reason'));
  }
  return trimmed;
}

// A citizen's own choice about secondary uses (research and planning), for their own record only:
//   GET  Patient/{id}/$opt-out   the current choice
//   POST Patient/{id}/$opt-out   choice = opt-out | opt-in: records a national-data-opt-out Consent,
//                                or ends every one in force for the person
// Citizens otherwise only read; this is the one thing they write, so staff and systems are refused
// (they record Consents with their own scopes). Audited like every request. See docs/governance/policy.md.
import type { Consent, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { checkConsentShape } from '../../governance/policy/consent-checks.ts';
import { directiveOf, OPT_OUT_SYSTEM, OPT_OUTS } from '../../governance/policy/consent-directives.ts';
import { linksOf, membersOf } from '../../identity/links/link-rows.ts';
import type { Queryable } from '../../store/driver.ts';
import { personKeyOf } from '../../store/hash.ts';
import type { FhirContext, FhirRequest, Interaction } from '../fhir-request.ts';
import { access, grantOf } from '../rest-semantics.ts';
import { operationInput } from './operation-input.ts';

const CHOICES = ['opt-out', 'opt-in'] as const;
type Choice = (typeof CHOICES)[number];
const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

/** Every source record of the person `patientId` belongs to (itself included). */
async function personRecords(sql: Queryable, patientId: string): Promise<string[]> {
  const link = (await linksOf(sql, [patientId])).get(patientId);
  const members = link ? (await membersOf(sql, [link.personId])).map((m) => m.patientId) : [];
  return [...new Set([patientId, ...members])];
}

/** The person's Consents that restrict secondary uses now. */
async function optOutsInForce(req: FhirRequest, ctx: FhirContext, patientIds: readonly string[], now: Date): Promise<Consent[]> {
  const query: Array<[string, string]> = [['patient', patientIds.map((p) => `Patient/${p}`).join(',')], ['status', 'active'], ['_count', '1000']];
  const found = await ctx.repo.search(ctx.repo.parseSearch('Consent', query), { owner: req.principal.subject, filter: access(req, 'Consent', 's') });
  return found.matches.filter((m) => m.mode === 'match').map((m) => m.resource as Consent).filter((c) => directiveOf(c, now) === 'opt-out');
}

const isNationalOptOut = (consent: Consent): boolean =>
  (consent.policyRule?.coding ?? []).some((c) => c.system === OPT_OUT_SYSTEM && c.code === OPT_OUTS.national);

/** The Consent that records the person's own opt-out from research and planning, from now on. */
function optOutConsent(patientId: string, now: Date): Consent {
  const patient = { reference: `Patient/${patientId}` };
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
    patient,
    dateTime: now.toISOString(),
    performer: [patient],
    policyRule: { coding: [{ system: OPT_OUT_SYSTEM, code: OPT_OUTS.national, display: 'National data opt-out' }], text: 'Opted out of research and planning' },
    provision: {
      type: 'deny',
      period: { start: now.toISOString() },
      purpose: [
        { system: ACT_REASON, code: 'HRESCH', display: 'healthcare research' },
        { system: ACT_REASON, code: 'HOPERAT', display: 'healthcare operations' },
      ],
    },
  };
}

/** Ends an opt-out from `now`: inactive, its period closed. */
function ended(consent: Consent, now: Date): Consent {
  return { ...consent, status: 'inactive', provision: { ...consent.provision!, period: { ...consent.provision?.period, end: now.toISOString() } } };
}

function answer(optOuts: readonly Consent[]): Parameters {
  const national = optOuts.filter(isNationalOptOut);
  const earliest = national.map((c) => c.provision?.period?.start ?? c.dateTime).filter((d): d is string => !!d).sort()[0];
  const others = optOuts.filter((c) => !isNationalOptOut(c))
    .flatMap((c) => (c.policyRule?.coding ?? []).filter((x) => x.system === OPT_OUT_SYSTEM).map((x) => x.code ?? 'opt-out'));
  const parameter: ParametersParameter[] = [
    { name: 'choice', valueCode: national.length > 0 ? 'opt-out' : 'opt-in' },
    ...(earliest ? [{ name: 'since', valueDateTime: earliest }] : []),
    ...national.map((c) => ({ name: 'consent', valueReference: { reference: `Consent/${c.id}` } })),
    // Opt-outs recorded elsewhere (a GP practice's type 1 opt-out): shown, changed only where made.
    ...[...new Set(others)].map((code) => ({ name: 'alsoInForce', valueCode: code })),
  ];
  return { resourceType: 'Parameters', parameter };
}

/** The person's own record, or 404 as for any record the caller may not see; 403 for anyone but a citizen. */
async function ownRecord(req: FhirRequest, ctx: FhirContext, id: string): Promise<void> {
  const grant = grantOf(req);
  if (grant.callerClass !== 'citizen') {
    throw new FhirError('forbidden', 'POLICY_OPT_OUT_CALLER', 'Only the person themselves records or withdraws their opt-out here; staff and systems record a Consent');
  }
  await ctx.repo.read('Patient', id, access(req, 'Patient', 'r'));
  if (!grant.contextKeys?.includes(personKeyOf(id))) throw new FhirError('not-found', 'STORE_NOT_FOUND', `Patient/${id} is not known`);
}

async function change(req: FhirRequest, ctx: FhirContext, id: string, choice: Choice, inForce: Consent[], now: Date): Promise<{ written: string[]; inForce: Consent[] }> {
  const national = inForce.filter(isNationalOptOut);
  if (choice === 'opt-out' && national.length === 0) {
    const consent = optOutConsent(id, now);
    checkConsentShape(consent);
    const created = (await ctx.repo.create(consent)).resource as Consent;
    return { written: [`Consent/${created.id}`], inForce: [...inForce, created] };
  }
  if (choice === 'opt-in' && national.length > 0) {
    for (const consent of national) await ctx.repo.update(ended(consent, now));
    return { written: national.map((c) => `Consent/${c.id}`), inForce: inForce.filter((c) => !isNationalOptOut(c)) };
  }
  return { written: [], inForce };
}

export const optOutOperation: Interaction = async (req, ctx) => {
  const [, id] = req.segments as [string, string];
  await ownRecord(req, ctx, id);
  const now = new Date();
  const current = await optOutsInForce(req, ctx, await personRecords(ctx.ingest.db, id), now);
  if (req.method !== 'POST') return { status: 200, body: answer(current), audit: { patients: [`Patient/${id}`] } };
  const input = operationInput(req);
  const choice = input.string('choice') as Choice | undefined;
  if (!choice || !CHOICES.includes(choice)) throw invalid('OPERATION_PARAMETER_CODE', `'choice' must be one of: ${CHOICES.join(', ')}`, input.location('choice'));
  const { written, inForce } = await change(req, ctx, id, choice, current, now);
  const reason = written.length === 0 ? `${choice}: no change` : choice === 'opt-out' ? 'opt-out recorded' : 'opt-out withdrawn';
  return { status: 200, body: answer(inForce), audit: { patients: [`Patient/${id}`], resources: written, reason } };
};

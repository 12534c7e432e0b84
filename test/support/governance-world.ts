// A small shared-care world for the governance tests: a council, a hospital trust, a GP practice and
// another council; five people whose records come from different sources, with the relationships,
// sensitive data, dissent and opt-outs the access rules turn on; and the callers who ask for them.
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import { ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM } from '../../src/fhir/systems.ts';
import { OPT_OUT_SYSTEM, OPT_OUTS } from '../../src/governance/policy/consent-directives.ts';
import { batchLink } from '../../src/identity/batch-link.ts';
import { sourceMeta } from '../../src/ingest/provenance.ts';
import { nhsIdentifier, nhsNumber } from './fhir-fixtures.ts';
import type { TestPlatform } from './test-platform.ts';

export const ORG = { council: 'E09000012', otherCouncil: 'E09000001', trust: 'RQX', practice: 'F84001' } as const;
export const SOURCE = { council: 'mosaic-hackney', gp: 'emis-f84001', hospital: 'epr-rqx' } as const;

const SEX_LABEL = { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SEX' };
const RESTRICTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' };
export const SENSITIVE_CODE = 'sensitive-condition-code';

const ref = (type: string, id: string) => ({ reference: `${type}/${id}` });
const code = (text: string) => ({ coding: [{ system: 'urn:sharedcare:test:code', code: text }], text });

function org(id: string, name: string, system: string, value: string, partOf?: string): Resource {
  return { resourceType: 'Organization', id, name, identifier: [{ system, value }], ...(partOf ? { partOf: ref('Organization', partOf) } : {}) } as Resource;
}

function person(id: string, source: string, nhs: string, family: string, given: string, birthDate: string, extra: object = {}): Resource {
  return { resourceType: 'Patient', id, meta: sourceMeta(source), identifier: [nhsIdentifier(nhs)], name: [{ family, given: [given] }], gender: 'female',
    birthDate, ...extra } as Resource;
}

function consent(id: string, patientId: string, provision: object, extra: object = {}): Resource {
  return {
    resourceType: 'Consent', id, status: 'active', scope: code('patient-privacy'), category: [code('dissent')], patient: ref('Patient', patientId),
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] }, provision, ...extra,
  } as Resource;
}

/** Every resource of the world, PUT at fixed ids. */
export function worldResources(): Resource[] {
  const [alice, bob, carol, dave] = [nhsNumber(7001), nhsNumber(7101), nhsNumber(7201), nhsNumber(7301)];
  const council = sourceMeta(SOURCE.council);
  const gp = sourceMeta(SOURCE.gp);
  const hospital = sourceMeta(SOURCE.hospital);
  const activeEpisode = (id: string, patientId: string) => ({ resourceType: 'EpisodeOfCare', id, meta: council, status: 'active', patient: ref('Patient', patientId),
    managingOrganization: ref('Organization', 'hackney') });
  return [
    org('hackney', 'London Borough of Hackney', ONS_GSS_CODE_SYSTEM, ORG.council),
    org('hackney-team', 'Hospital Social Work Team', ONS_GSS_CODE_SYSTEM, `${ORG.council}-T1`, 'hackney'),
    org('rqx', 'Homerton Healthcare', ODS_ORGANIZATION_SYSTEM, ORG.trust),
    org('f84001', 'Riverside Surgery', ODS_ORGANIZATION_SYSTEM, ORG.practice),
    org('city', 'City of London', ONS_GSS_CODE_SYSTEM, ORG.otherCouncil),
    // Alice: known to the council (open case) and registered at the practice: two records, one person.
    person('alice-council', SOURCE.council, alice, 'Archer', 'Alice', '1950-01-01'),
    person('alice-gp', SOURCE.gp, alice, 'Archer', 'Alice', '1950-01-01', { generalPractitioner: [ref('Organization', 'f84001')] }),
    activeEpisode('alice-episode', 'alice-council'),
    { resourceType: 'CarePlan', id: 'alice-plan', meta: council, status: 'active', intent: 'plan', subject: ref('Patient', 'alice-council') },
    { resourceType: 'Flag', id: 'alice-flag', meta: council, status: 'active', code: code('lives-alone'), subject: ref('Patient', 'alice-council') },
    { resourceType: 'MedicationStatement', id: 'alice-med', meta: gp, status: 'active', medicationCodeableConcept: code('amlodipine'), subject: ref('Patient', 'alice-gp') },
    { resourceType: 'Condition', id: 'alice-cond', meta: gp, code: code('hypertension'), subject: ref('Patient', 'alice-gp') },
    { resourceType: 'Condition', id: 'alice-sensitive', meta: { ...gp, security: [SEX_LABEL, RESTRICTED] }, code: code(SENSITIVE_CODE), subject: ref('Patient', 'alice-gp') },
    { resourceType: 'Observation', id: 'alice-obs', meta: gp, status: 'final', code: code('blood-pressure'), subject: ref('Patient', 'alice-gp') },
    { resourceType: 'Encounter', id: 'alice-old-visit', meta: hospital, status: 'finished', class: { code: 'EMER' }, subject: ref('Patient', 'alice-gp'),
      serviceProvider: ref('Organization', 'rqx'), period: { start: '2020-01-01T10:00:00Z', end: '2020-01-01T14:00:00Z' } },
    // Bob: in A&E at the trust now; registered at the practice; unknown to the council.
    person('bob-gp', SOURCE.gp, bob, 'Baker', 'Bob', '1960-02-02', { generalPractitioner: [ref('Organization', 'f84001')] }),
    { resourceType: 'Encounter', id: 'bob-visit', meta: hospital, status: 'in-progress', class: { code: 'EMER' }, subject: ref('Patient', 'bob-gp'),
      serviceProvider: ref('Organization', 'rqx'), period: { start: new Date().toISOString() }, diagnosis: [{ condition: ref('Condition', 'bob-cond') }] },
    { resourceType: 'Condition', id: 'bob-cond', meta: gp, code: code('asthma'), subject: ref('Patient', 'bob-gp') },
    { resourceType: 'Observation', id: 'bob-obs', meta: gp, status: 'final', code: code('peak-flow'), subject: ref('Patient', 'bob-gp') },
    // Carol: an open case, but she has asked that her record is not shared.
    person('carol-council', SOURCE.council, carol, 'Cole', 'Carol', '1970-03-03'),
    activeEpisode('carol-episode', 'carol-council'),
    { resourceType: 'Condition', id: 'carol-cond', meta: council, code: code('dementia'), subject: ref('Patient', 'carol-council') },
    consent('carol-dissent', 'carol-council', { type: 'deny' }),
    // Dave: an open case, and the national data opt-out (secondary uses only).
    person('dave-council', SOURCE.council, dave, 'Dent', 'Dave', '1980-04-04'),
    // The council's extract names the council by its code, not by a local id.
    { ...activeEpisode('dave-episode', 'dave-council'), managingOrganization: { type: 'Organization', identifier: { system: ONS_GSS_CODE_SYSTEM, value: ORG.council } } },
    { resourceType: 'Condition', id: 'dave-cond', meta: council, code: code('learning-disability'), subject: ref('Patient', 'dave-council') },
    consent('dave-optout', 'dave-council', { type: 'deny' }, { policyRule: { coding: [{ system: OPT_OUT_SYSTEM, code: OPT_OUTS.national }] } }),
  ] as Resource[];
}

/** Loads the world (the platform must allow update-as-create) and links its records into persons. */
export async function loadWorld(t: TestPlatform): Promise<void> {
  const bundle: Bundle = {
    resourceType: 'Bundle', type: 'transaction',
    entry: worldResources().map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } })),
  };
  const res = await t.request('POST', '/fhir', { body: bundle });
  expect(res.status, res.text).toBe(200);
  await batchLink(t.platform.repo);
}

export type CallerName = 'socialWorker' | 'otherCouncilSocialWorker' | 'aeDoctor' | 'gp' | 'receptionist' | 'privacyOfficer' | 'citizenAlice'
  | 'trustSystem' | 'researchSystem' | 'operator';

/** A token for each kind of caller in the world. */
export async function worldTokens(t: TestPlatform): Promise<Record<CallerName, string>> {
  const user = (subject: string, role: string, organization: string) =>
    t.token('user/*.cruds', { subject, kind: 'user', name: subject, role, organization });
  return {
    socialWorker: await user('sw-1', 'R8014', ORG.council),
    otherCouncilSocialWorker: await user('sw-2', 'R8014', ORG.otherCouncil),
    aeDoctor: await user('aed-1', 'R8000', ORG.trust),
    gp: await user('gp-1', 'R8000', ORG.practice),
    receptionist: await user('rec-1', 'R8009', ORG.trust),
    privacyOfficer: await user('po-1', 'R0001', ORG.trust),
    citizenAlice: await t.token('patient/*.rs', { subject: 'citizen-alice', kind: 'citizen', name: 'Alice Archer', patient: 'alice-council' }),
    trustSystem: await t.token('system/*.rs', { subject: 'trust-epr', kind: 'system', organization: ORG.trust }),
    researchSystem: await t.token('system/*.rs', { subject: 'research-extract', kind: 'system', organization: 'X26', purposeOfUse: 'HRESCH' }),
    operator: await t.token('system/*.cruds'),
  };
}

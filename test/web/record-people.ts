// The people the record viewer's browser tests open, added to the demo population through the paths
// real data takes: a heavy person (~300 resources) from the generator, a Hackney social-care case and a
// child on a child protection plan as the council's CSV extract, and a Homerton A&E attendance.
import type { Encounter, MedicationRequest, MedicationStatement, Patient } from '@medplum/fhirtypes';
import { loadBundles, withoutCouncilRecords } from '../../src/cli/demo-population.ts';
import { generatePopulation } from '../../src/cli/generate/generate-population.ts';
import { DEMO_SEED } from '../../src/cli/serve-command.ts';
import { batchLink } from '../../src/identity/batch-link.ts';
import type { ViewerWorld } from '../support/viewer-world.ts';

const NHS = 'https://fhir.nhs.uk/Id/nhs-number';
export const HACKNEY = { source: 'mosaic-hackney', gss: 'E09000012' } as const;
export const HOMERTON = { source: 'epr-rqx', ods: 'RQX' } as const;

/** What the tests look for on the page, as the extract gave it (phone numbers from Ofcom's drama ranges). */
export const HACKNEY_CASE = {
  team: 'Hackney Adult Social Care North',
  teamPhone: '020 7946 0310',
  worker: 'Asha Patel',
  workerPhone: '020 7946 0311',
  carer: 'Ruth Bailey',
  service: 'Home support, four calls a day',
  provider: 'Synthetic Home Care Ltd',
  providerPhone: '020 7946 0312',
  safeguarding: 'Concern raised by neighbour about self-neglect',
  supportReason: 'Physical Support: Personal care support',
} as const;

export interface TestPerson {
  patientId: string;
  nhsNumber: string;
  family: string;
  given: string;
  birthDate: string;
  gender: string;
}

function personOf(patient: Patient): TestPerson {
  return {
    patientId: patient.id!,
    nhsNumber: patient.identifier!.find((i) => i.system === NHS)!.value!,
    family: patient.name![0]!.family!,
    given: patient.name![0]!.given![0]!,
    birthDate: patient.birthDate!,
    gender: patient.gender ?? 'unknown',
  };
}

/**
 * Loads the generator's next person as a heavy one (the demo population has none): the same seed
 * with one more person, that person alone, so the people already loaded are unchanged.
 */
export async function addHeavyPerson(world: ViewerWorld, peopleLoaded: number): Promise<TestPerson> {
  const bundles = [...withoutCouncilRecords(generatePopulation({ people: peopleLoaded + 1, seed: DEMO_SEED, heavyPeople: 1 }))];
  const heavy = bundles.at(-1)!;
  await loadBundles(world.t.platform.fhir, [heavy]);
  await batchLink(world.t.platform.fhir.repo);
  const nhsNumber = (heavy.entry!.find((e) => e.resource?.resourceType === 'Patient')!.resource as Patient).identifier!.find((i) => i.system === NHS)!.value!;
  const [patient] = await world.search<Patient>('Patient', `identifier=${NHS}|${nhsNumber}`);
  return personOf(patient!);
}

async function importRows(world: ViewerWorld, recordType: string, rows: Array<Record<string, string>>): Promise<void> {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const csv = [columns.join(','), ...rows.map((r) => columns.map((c) => quote(r[c] ?? '')).join(','))].join('\n') + '\n';
  const res = await world.t.request('POST', `/fhir/$import-csv?source=${HACKNEY.source}&profile=generic&recordType=${recordType}`, {
    body: csv, headers: { 'content-type': 'text/csv' },
  });
  const quarantined = (res.body?.parameter ?? []).find((p: { name: string }) => p.name === 'quarantined')?.valueInteger;
  if (res.status !== 200 || quarantined) throw new Error(`import ${recordType}: ${res.status} ${res.text.slice(0, 500)}`);
}

const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function personRow(person: TestPerson, clientId: string): Record<string, string> {
  return {
    clientId, givenName1: person.given, familyName: person.family, gender: person.gender, birthDate: person.birthDate, nhsNumber: person.nhsNumber,
    nhsNumberStatus: '01', addressLine1: '12 Mare Street', town: 'London', postcode: 'E8 4RP',
  };
}

/** Hackney's adult social care opens a case for `person`: allocated worker and team, a carer, a service, a safeguarding concern, a review. */
export async function openHackneyCase(world: ViewerWorld, person: TestPerson): Promise<void> {
  const c = HACKNEY_CASE;
  const [workerGiven, workerFamily] = c.worker.split(' ') as [string, string];
  const [carerGiven, carerFamily] = c.carer.split(' ') as [string, string];
  await importRows(world, 'person', [personRow(person, 'HX1001')]);
  await importRows(world, 'contact', [{
    contactId: 'HC1', personId: 'HX1001', contactType: 'carer', primary: 'Y', relationship: 'DAUC', givenName: carerGiven, familyName: carerFamily,
    phone: '07700 900777',
  }]);
  await importRows(world, 'allocation', [{
    allocationId: 'HA1', personId: 'HX1001', laCode: HACKNEY.gss, teamId: 'HT-N', teamName: c.team, teamPhone: c.teamPhone,
    workerId: 'HW1', workerRole: 'allocated-worker', workerGivenName: workerGiven, workerFamilyName: workerFamily, workerJobTitle: 'Social worker',
    workerProfession: '106328005', workerPhone: c.workerPhone, startDate: daysFromNow(-200), carerContactIds: 'HC1',
  }]);
  await importRows(world, 'episode', [{
    caseNumber: 'HE1', personId: 'HX1001', episodeType: 'adult-social-care', status: 'open', startDate: daysFromNow(-200), laCode: HACKNEY.gss,
    careManagerId: 'HW1', allocationId: 'HA1', supportReason: 'PS-PCS', supportReasonDate: `${daysFromNow(-200)}T10:00:00Z`,
  }]);
  await importRows(world, 'service', [{
    serviceId: 'HS1', personId: 'HX1001', caseNumber: 'HE1', setting: 'LTS-C', serviceType: 'HS', serviceName: c.service, status: 'active',
    startDate: daysFromNow(-150), providerId: 'HP1', providerName: c.provider, providerPhone: c.providerPhone,
  }]);
  await importRows(world, 'flag', [{
    flagId: 'HF1', personId: 'HX1001', flagType: 'SGC', category: 'SGC', description: c.safeguarding, status: 'active', startDate: daysFromNow(-30),
    laCode: HACKNEY.gss,
  }]);
  await importRows(world, 'event', [{
    eventId: 'HV1', personId: 'HX1001', caseNumber: 'HE1', eventType: 'review', status: 'requested', authoredOn: `${daysFromNow(-20)}T09:00:00Z`,
    dueDate: `${daysFromNow(40)}T09:00:00Z`, teamId: 'HT-N', teamName: c.team,
  }]);
}

/** Hackney's children's services put `child` on a child protection plan (CP-IS). */
export async function putOnChildProtectionPlan(world: ViewerWorld, child: TestPerson): Promise<void> {
  await importRows(world, 'person', [personRow(child, 'HX2001')]);
  await importRows(world, 'episode', [{
    caseNumber: 'HE2', personId: 'HX2001', episodeType: 'childrens-social-care', status: 'open', startDate: daysFromNow(-90), laCode: HACKNEY.gss,
  }]);
  await importRows(world, 'flag', [{
    flagId: 'HF2', personId: 'HX2001', flagType: '342191000000101', category: 'childrens-social-care', status: 'active', startDate: daysFromNow(-90),
    laCode: HACKNEY.gss,
  }]);
}

/** Homerton's A&E has `person` in the department now (a relationship for Homerton staff); returns the Encounter id. */
export async function attendHomerton(world: ViewerWorld, person: TestPerson): Promise<string> {
  const encounter: Encounter = {
    resourceType: 'Encounter', meta: { source: `urn:sharedcare:source:${HOMERTON.source}` }, status: 'in-progress', subject: { reference: `Patient/${person.patientId}` },
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'EMER', display: 'emergency' },
    period: { start: new Date(Date.now() - 3_600_000).toISOString() },
    serviceProvider: { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: HOMERTON.ods }, display: 'Homerton Healthcare NHS Foundation Trust' },
  };
  const created = await world.t.request('POST', '/fhir/Encounter', { body: encounter });
  if (created.status !== 201) throw new Error(`Encounter: ${created.status} ${created.text.slice(0, 300)}`);
  return (created.body as Encounter).id!;
}

/**
 * Homerton records `person`'s medicines on arrival: one of the GP's current repeats at another dose,
 * which the consolidated record shows as one medicine with a conflict.
 */
export async function recordMedicinesOnArrival(world: ViewerWorld, person: TestPerson, encounterId: string): Promise<{ medicine: string; gpDose: string; homertonDose: string }> {
  const repeats = await world.search<MedicationRequest>('MedicationRequest', `subject=Patient/${person.patientId}&status=active&_count=100`);
  const repeat = repeats.find((r) => r.medicationCodeableConcept?.coding?.length && r.dosageInstruction?.[0]?.text);
  if (!repeat) throw new Error(`Patient/${person.patientId} has no current repeat prescription`);
  const gpDose = repeat.dosageInstruction![0]!.text!;
  const homertonDose = 'Two tablets three times a day';
  const now = new Date().toISOString();
  const statement: MedicationStatement = {
    resourceType: 'MedicationStatement', meta: { source: `urn:sharedcare:source:${HOMERTON.source}` }, status: 'active', subject: { reference: `Patient/${person.patientId}` },
    medicationCodeableConcept: repeat.medicationCodeableConcept!, effectiveDateTime: now, dateAsserted: now, dosage: [{ text: homertonDose }],
    context: { reference: `Encounter/${encounterId}` },
  };
  const added = await world.t.request('POST', '/fhir/MedicationStatement', { body: statement });
  if (added.status !== 201) throw new Error(`MedicationStatement: ${added.status} ${added.text.slice(0, 300)}`);
  const concept = repeat.medicationCodeableConcept!;
  return { medicine: concept.text ?? concept.coding![0]!.display!, gpDose, homertonDose };
}

/** `person` dissents from sharing their record (an active deny Consent). */
export async function dissent(world: ViewerWorld, person: TestPerson): Promise<void> {
  const res = await world.t.request('POST', '/fhir/Consent', { body: {
    resourceType: 'Consent', status: 'active', patient: { reference: `Patient/${person.patientId}` },
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
    category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] },
    provision: { type: 'deny' },
  } });
  if (res.status !== 201) throw new Error(`Consent: ${res.status} ${res.text.slice(0, 300)}`);
}

/** Source Patient records of the demo population with current repeat prescriptions, as people. */
export async function peopleOnRepeats(world: ViewerWorld): Promise<TestPerson[]> {
  const repeats = await world.search<MedicationRequest>('MedicationRequest', 'status=active&_count=500');
  const ids = [...new Set(repeats.map((r) => r.subject?.reference?.split('/')[1]).filter((id): id is string => !!id))];
  const patients = await world.search<Patient>('Patient', `_id=${ids.join(',')}&_count=500`);
  return patients.filter((p) => p.identifier?.some((i) => i.system === NHS) && p.name?.[0]?.given?.length).map(personOf);
}

/** A child of the demo population (under 16 today), with a verified NHS number. */
export async function findChild(world: ViewerWorld): Promise<TestPerson> {
  const born = daysFromNow(-16 * 365);
  const children = await world.search<Patient>('Patient', `birthdate=gt${born}&_count=50`);
  const child = children.find((p) => p.identifier?.some((i) => i.system === NHS) && p.name?.[0]?.given?.length)!;
  return personOf(child);
}

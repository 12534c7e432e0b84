// A person of the small demo world made known to Hackney's social care, then admitted to the
// Homerton: the council's record arrives as its case system would send it ($import from
// mosaic-hackney, linked to the person by NHS number), the admission as the hospital's ADT A01. The
// event workers then route it, so the team inbox has its Task and Homerton staff a relationship.
import type { Bundle, Patient, Task } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import { NOTIFICATION_SYSTEM } from '../../src/events/event-codes.ts';
import { Hl7Ingestor } from '../../src/ingest/hl7/hl7-ingestor.ts';
import { writeAdtMessage } from '../../src/ingest/hl7/adt-writer.ts';
import { toHl7DateTime } from '../../src/ingest/hl7/hl7-fields.ts';
import { drainEvents } from './events.ts';
import type { ViewerWorld } from './viewer-world.ts';

export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const GSS = 'http://statistics.data.gov.uk/id/statistical-geography';
const CATEGORY = 'urn:sharedcare:codesystem:social-care-record-category';
/** The Hackney team the demo directory has for hospital social work (Organization partOf la-E09000012). */
export const HACKNEY_HOSPITAL_TEAM = 'Organization/la-E09000012-asc-3';

export interface HackneyCase {
  /** The person's record the test started from (a GP's). */
  patient: Patient;
  nhsNumber: string;
  name: string;
  /** Hackney's own record of the person. */
  councilPatientId: string;
  carePlanId: string;
}

/** The n-th demo person (one record per NHS number) with a name and a date of birth. */
export async function pickPerson(world: ViewerWorld, n = 0): Promise<Patient> {
  const byNumber = new Map<string, Patient>();
  for (const p of await world.search<Patient>('Patient', '_count=100&_sort=_id')) {
    const nhsNumber = p.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
    if (nhsNumber && p.name?.[0]?.family && p.birthDate && !byNumber.has(nhsNumber)) byNumber.set(nhsNumber, p);
  }
  const person = [...byNumber.values()][n];
  if (!person) throw new Error('the demo world has too few people');
  return person;
}

/** Hackney's case for the person: an open adult social care episode, its allocation to a team, and a care and support plan. */
export async function openHackneyCase(world: ViewerWorld, patient: Patient, key: string): Promise<HackneyCase> {
  const nhsNumber = patient.identifier!.find((i) => i.system === NHS_NUMBER_SYSTEM)!.value!;
  const start = new Date(Date.now() - 200 * 86_400_000).toISOString().slice(0, 10);
  const bundle: Bundle = {
    resourceType: 'Bundle', type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', id: `person-${key}`, identifier: [{ system: NHS_NUMBER_SYSTEM, value: nhsNumber }],
        name: patient.name, birthDate: patient.birthDate, ...(patient.gender ? { gender: patient.gender } : {}), ...(patient.address ? { address: patient.address } : {}) } },
      { resource: { resourceType: 'CareTeam', id: `allocation-${key}`, status: 'active', name: 'Hospital Social Work Team', subject: { reference: `Patient/person-${key}` },
        managingOrganization: [{ reference: HACKNEY_HOSPITAL_TEAM, display: 'Hospital Social Work Team' }], period: { start } } },
      { resource: { resourceType: 'EpisodeOfCare', id: `episode-${key}`, status: 'active',
        type: [{ coding: [{ system: CATEGORY, code: 'adult-social-care', display: 'Adult social care' }] }],
        patient: { reference: `Patient/person-${key}` }, managingOrganization: { type: 'Organization', identifier: { system: GSS, value: 'E09000012' }, display: 'London Borough of Hackney' },
        team: [{ reference: `CareTeam/allocation-${key}` }], period: { start } } },
      { resource: { resourceType: 'Goal', id: `goal-${key}`, lifecycleStatus: 'active', description: { text: 'To stay living at home with support' }, subject: { reference: `Patient/person-${key}` } } },
      { resource: { resourceType: 'ServiceRequest', id: `service-${key}`, status: 'active', intent: 'order', subject: { reference: `Patient/person-${key}` },
        code: { text: 'Home care: two visits a day' }, performer: [{ display: 'Hackney Home Care Ltd' }], occurrencePeriod: { start } } },
      { resource: { resourceType: 'CarePlan', id: `plan-${key}`, status: 'active', intent: 'plan', title: 'Care and support plan',
        category: [{ coding: [{ system: CATEGORY, code: 'care-and-support-plan', display: 'Care and support plan' }], text: 'Care and support plan' }],
        subject: { reference: `Patient/person-${key}` }, period: { start }, author: { display: 'Hospital Social Work Team, London Borough of Hackney' },
        goal: [{ reference: `Goal/goal-${key}` }], activity: [{ reference: { reference: `ServiceRequest/service-${key}` } }],
        note: [{ authorString: 'Hospital Social Work Team', time: `${start}T10:00:00Z`, text: 'Prefers morning visits.' }] } },
    ],
  };
  const imported = await world.t.request('POST', '/fhir/$import?source=mosaic-hackney', { body: bundle });
  expect(imported.status, imported.text).toBe(200);
  const councilPatient = (await world.search<Patient>('Patient', `identifier=urn:sharedcare:id:mosaic-hackney:patient|person-${key}`))[0]!;
  const [plan] = await world.search('CarePlan', `subject=Patient/${councilPatient.id}`);
  const name = [patient.name?.[0]?.given?.[0], patient.name?.[0]?.family].filter(Boolean).join(' ');
  return { patient, nhsNumber, name, councilPatientId: councilPatient.id!, carePlanId: plan!.id! };
}

/** The Homerton admits the person (ADT A01 through the HL7 ingestor), and the event workers route it. */
export async function admitToHomerton(world: ViewerWorld, known: HackneyCase, mrn: string): Promise<void> {
  const name = known.patient.name?.[0];
  const now = toHl7DateTime(new Date(Date.now() - 3_600_000).toISOString());
  const message = writeAdtMessage({
    event: 'A01', controlId: `TEST${mrn}`, sendingFacility: 'RQX', sent: now,
    patient: { mrn, nhsNumber: known.nhsNumber, nhsNumberStatus: '01', ...(name?.family ? { family: name.family } : {}), ...(name?.given ? { given: name.given } : {}),
      ...(known.patient.birthDate ? { birthDate: known.patient.birthDate.replaceAll('-', '') } : {}) },
    visit: { number: `V${mrn}`, patientClass: 'I', ward: 'ELD1', bed: '4', admitted: now, hospital: 'RQX' },
  });
  const result = await new Hl7Ingestor(world.t.platform.fhir.ingest, { origin: 'test' }).handle(message, 'epr-rqx');
  expect(result.outcome, JSON.stringify(result)).not.toBe('quarantined');
  await drainEvents(world.t.platform);
}

/** The notification Tasks about the council's record of the person, as the operator sees them. */
export async function notificationTasks(world: ViewerWorld, known: HackneyCase): Promise<Task[]> {
  const tasks = await world.search<Task>('Task', `patient=Patient/${known.councilPatientId}&_sort=authored-on`);
  return tasks.filter((t) => t.code?.coding?.some((c) => c.system === NOTIFICATION_SYSTEM));
}

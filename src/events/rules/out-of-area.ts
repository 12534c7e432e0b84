// A hospital event for a council this deployment does not serve: a FHIR message to the council's own
// endpoint when it has one, else a readable notice for secure email. Built at routing time from the
// event's version, so what is sent is what happened, whenever it is delivered.
import type { Bundle, Encounter, Patient } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from '../../fhir/systems.ts';
import type { DeliveryChannel } from '../delivery-queue.ts';
import { NOTIFICATION, NOTIFICATION_SYSTEM } from '../event-codes.ts';
import type { CouncilSettings } from '../locator/locator-table.ts';
import { renderOutOfAreaNotice } from '../locator/out-of-area-notice.ts';
import type { HospitalEvent } from './hospital-event.ts';

export interface OutOfAreaInput {
  eventId: string;
  encounter: Encounter;
  patient?: Patient;
  happened: HospitalEvent;
  council: CouncilSettings;
  hospital: string;
  /** Why this council: its open episode, or the locator's match on the address. */
  reason: 'open-episode' | 'address';
}

/** What an out-of-area notification discloses, for its audit record. */
export interface DisclosedAbout {
  patients: string[];
  resources: string[];
}

export interface FhirMessagePayload {
  url: string;
  bundle: Bundle;
  about: DisclosedAbout;
}

export interface SecureEmailPayload {
  to: string;
  subject: string;
  html: string;
  about: DisclosedAbout;
}

export function outOfAreaPayload(input: OutOfAreaInput): { channel: DeliveryChannel; payload: FhirMessagePayload | SecureEmailPayload } | undefined {
  const about = { patients: input.encounter.subject?.reference ? [input.encounter.subject.reference] : [], resources: [`Encounter/${input.encounter.id}`] };
  if (input.council.endpoint) return { channel: 'fhir-message', payload: { url: input.council.endpoint, bundle: hospitalEventMessage(input), about } };
  if (input.council.email && input.happened.kind !== 'cancelled' && input.patient) {
    const { html, subject } = renderOutOfAreaNotice(noticeInput(input, input.patient));
    return { channel: 'secure-email', payload: { to: input.council.email, subject, html, about } };
  }
  return undefined;
}

function hospitalEventMessage(input: OutOfAreaInput): Bundle {
  const code = NOTIFICATION[input.happened.kind];
  const encounterUrl = `urn:uuid:${input.eventId}`;
  const patientUrl = `urn:uuid:${crypto.randomUUID()}`;
  const encounter = { ...input.encounter, subject: { reference: patientUrl } };
  return {
    resourceType: 'Bundle', type: 'message', id: input.eventId, timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: `urn:uuid:${crypto.randomUUID()}`, resource: {
        resourceType: 'MessageHeader', eventCoding: { system: NOTIFICATION_SYSTEM, code: code.code, display: code.display },
        source: { name: 'sharedcare', endpoint: 'urn:sharedcare' }, destination: [{ name: input.council.name, endpoint: input.council.endpoint! }],
        focus: [{ reference: encounterUrl }],
      } },
      { fullUrl: encounterUrl, resource: encounter },
      ...(input.patient ? [{ fullUrl: patientUrl, resource: input.patient }] : []),
    ],
  };
}

function noticeInput(input: OutOfAreaInput, patient: Patient) {
  const name = patient.name?.[0];
  const address = patient.address?.find((a) => a.use === 'home') ?? patient.address?.[0];
  const nhsNumber = patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
  return {
    council: { name: input.council.name, gss: input.council.gss },
    person: {
      name: [name?.given?.join(' '), name?.family].filter(Boolean).join(' ') || 'Name not recorded',
      ...(nhsNumber ? { nhsNumber } : {}), ...(patient.birthDate ? { birthDate: patient.birthDate } : {}),
      addressLines: address?.line ?? [], postcode: address?.postalCode ?? '',
    },
    hospital: { name: input.hospital, ...(input.happened.ward ? { ward: input.happened.ward } : {}) },
    event: input.happened.kind as 'admission' | 'transfer' | 'discharge',
    occurredAt: input.happened.at,
    reason: input.reason,
    contact: { name: `${input.hospital} discharge team` },
    reference: input.eventId,
  };
}

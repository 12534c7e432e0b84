// Writes ADW notices and council answers as R4 message Bundles: the inverse of parseAdwMessage, for
// the demo, the tests and hospitals' test harnesses. It builds what it is given; parsing checks it.
// See: ../../../docs/events/adw.md · https://hl7.org/fhir/R4/messageheader.html

import { randomUUID } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  ContactPoint,
  Encounter,
  HumanName,
  Identifier,
  MessageHeader,
  Organization,
  Patient,
  Practitioner,
  QuestionnaireResponse,
  QuestionnaireResponseItem,
  Reference,
  Resource,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  ODS_ORGANIZATION_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
  ORGANIZATION_TYPE_SYSTEM,
  V3_ACT_CODE_SYSTEM,
} from '../../fhir/systems.ts';
import {
  ADW_CARER_RELATIONSHIP,
  ADW_EVENT_SYSTEM,
  ADW_STATEMENT_ITEMS,
  ADW_STATEMENTS_QUESTIONNAIRE,
  GSS_ADDRESS_PREFIX,
  ODS_ADDRESS_PREFIX,
  noticeEventFor,
  responseEventFor,
  type AdwAnswer,
  type AdwEventDefinition,
} from './adw-codes.ts';
import type { AdwCouncil, AdwMessage, AdwName, AdwPatient, AdwPerson, AdwReason, AdwStatements, AdwTelecom } from './adw-message.ts';

/** What a message is built from: an AdwMessage without its event (derived) and with an optional id. */
export type AdwMessageInput = Omit<AdwMessage, 'event' | 'messageId'> & { messageId?: string };

export interface AdwResponseOptions {
  /** The answering council. */
  council: AdwCouncil;
  reason?: AdwReason;
  now: Date;
  messageId?: string;
}

const INTERPRETER_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
type AddEntry = <T extends Resource>(resource: T) => Reference<T>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Builds the message Bundle for a notice or a response. See: https://hl7.org/fhir/R4/messaging.html */
export function buildAdwMessage(input: AdwMessageInput): Bundle {
  const event = eventOf(input);
  const entries: BundleEntry[] = [];
  const add: AddEntry = (resource) => {
    const id = randomUUID();
    entries.push({ fullUrl: `urn:uuid:${id}`, resource: { id, ...resource } });
    return { reference: `urn:uuid:${id}` };
  };
  const isNotice = input.kind !== 'response';
  const hospital = add(hospitalOrganization(input));
  const council = add(councilOrganization(input.council));
  const patient = add(patientResource(input.patient));
  const encounter = add(encounterResource(input, patient, hospital, add));
  const liaison = input.liaison ? add(practitioner(input.liaison)) : undefined;
  const lead = input.leadClinician ? add(practitioner(input.leadClinician)) : undefined;
  const focus: Reference[] = [encounter];
  if (input.referral) focus.push(add(referralResource(input, patient, encounter, liaison ?? hospital, council)));
  if (input.statements) focus.push(add(statementsResource(input.statements, patient, encounter, input.issued)));
  const header: MessageHeader = {
    resourceType: 'MessageHeader',
    id: input.messageId ?? randomUUID(),
    eventCoding: { system: ADW_EVENT_SYSTEM, code: event.code, display: event.display },
    destination: [{ endpoint: isNotice ? councilAddress(input.council) : hospitalAddress(input), receiver: isNotice ? council : hospital }],
    sender: isNotice ? hospital : council,
    source: { endpoint: isNotice ? hospitalAddress(input) : councilAddress(input.council) },
    ...(liaison ? { author: liaison } : {}),
    ...(lead ? { responsible: lead } : {}),
    ...(input.reason ? { reason: reasonConcept(input.reason) } : {}),
    ...(input.kind === 'response' ? { response: { identifier: input.respondsTo ?? '', code: 'ok' as const } } : {}),
    focus,
  };
  const headerUrl = `urn:uuid:${UUID.test(header.id!) ? header.id : randomUUID()}`;
  return { resourceType: 'Bundle', id: randomUUID(), type: 'message', timestamp: input.issued, entry: [{ fullUrl: headerUrl, resource: header }, ...entries] };
}

/**
 * The council's answer to a notice: accept/reject an assessment notice or a withdrawal, agree/disagree
 * a discharge notice. `response.identifier` names the notice's message id.
 */
export function buildAdwResponse(notice: AdwMessage, answer: AdwAnswer, options: AdwResponseOptions): Bundle {
  if (notice.kind === 'response') throw invalid('ADW_ANSWER_NOT_ALLOWED', 'A response is not answered', 'kind');
  const { nhsNumber, name, birthDate } = notice.patient;
  return buildAdwMessage({
    messageId: options.messageId,
    kind: 'response',
    issued: options.now.toISOString(),
    stay: notice.stay,
    // Only what identifies the person: the council already holds the notice's details.
    patient: { nhsNumber, ...(name ? { name } : {}), ...(birthDate ? { birthDate } : {}) },
    council: options.council,
    respondsTo: notice.messageId,
    answers: notice.kind,
    answer,
    ...(options.reason ? { reason: options.reason } : {}),
  });
}

function eventOf(input: AdwMessageInput): AdwEventDefinition {
  const event =
    input.kind === 'response'
      ? input.answers && input.answer && responseEventFor(input.answers, input.answer)
      : noticeEventFor(input.kind, input.withdrawalScope);
  if (!event) {
    throw invalid('ADW_ANSWER_NOT_ALLOWED', `No ADW event for ${input.kind} ${input.answers ?? input.withdrawalScope ?? ''} ${input.answer ?? ''}`.trim(), 'kind');
  }
  return event;
}

function hospitalAddress(input: AdwMessageInput): string {
  return `${ODS_ADDRESS_PREFIX}${input.stay.hospital.ods}`;
}

function councilAddress(council: AdwCouncil): string {
  return council.ods ? `${ODS_ADDRESS_PREFIX}${council.ods}` : `${GSS_ADDRESS_PREFIX}${council.gss ?? ''}`;
}

function hospitalOrganization(input: AdwMessageInput): Organization {
  const { ods, name } = input.stay.hospital;
  return {
    resourceType: 'Organization',
    identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: ods }],
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'prov', display: 'Healthcare Provider' }] }],
    ...(name ? { name } : {}),
  };
}

function councilOrganization(council: AdwCouncil): Organization {
  const identifier: Identifier[] = [];
  if (council.ods) identifier.push({ system: ODS_ORGANIZATION_SYSTEM, value: council.ods });
  if (council.gss) identifier.push({ system: ONS_GSS_CODE_SYSTEM, value: council.gss });
  return {
    resourceType: 'Organization',
    identifier,
    type: [{ coding: [{ system: ORGANIZATION_TYPE_SYSTEM, code: 'govt', display: 'Government' }] }],
    name: council.name,
  };
}

function patientResource(p: AdwPatient): Patient {
  const nhs: Identifier = { system: NHS_NUMBER_SYSTEM, value: p.nhsNumber };
  if (p.nhsNumberStatus) {
    const status = { coding: [{ system: NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, code: p.nhsNumberStatus }] };
    nhs.extension = [{ url: NHS_NUMBER_VERIFICATION_EXTENSION, valueCodeableConcept: status }];
  }
  const { lines, ...address } = p.address ?? {};
  return {
    resourceType: 'Patient',
    identifier: [nhs, ...(p.hospitalNumber ? [p.hospitalNumber] : [])],
    ...(p.name ? { name: [humanName(p.name)] } : {}),
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(p.address ? { address: [{ ...(lines ? { line: lines } : {}), ...address }] } : {}),
    ...(p.telecom ? { telecom: contactPoints(p.telecom) } : {}),
    ...(p.language ? { communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: p.language }] }, preferred: true }] } : {}),
    ...(p.interpreterRequired !== undefined ? { extension: [{ url: INTERPRETER_EXTENSION, valueBoolean: p.interpreterRequired }] } : {}),
    ...(p.carers
      ? {
          contact: p.carers.map((carer) => ({
            relationship: [{ coding: [{ ...ADW_CARER_RELATIONSHIP }], text: 'Carer' }],
            name: humanName(carer.name),
            ...(carer.telecom ? { telecom: contactPoints(carer.telecom) } : {}),
          })),
        }
      : {}),
  };
}

function encounterResource(input: AdwMessageInput, patient: Reference<Patient>, hospital: Reference<Organization>, add: AddEntry): Encounter {
  const { stay } = input;
  const ward = stay.ward ? add({ resourceType: 'Location', name: stay.ward, managingOrganization: hospital }) : undefined;
  const reason = stay.admissionReason
    ? add({ resourceType: 'Condition', code: { text: stay.admissionReason }, subject: patient })
    : undefined;
  // The ADW spec puts the proposed discharge date in Encounter.period.end (uk-standards.md §5).
  const period = { ...(stay.admitted ? { start: stay.admitted } : {}), ...(stay.proposedDischarge ? { end: stay.proposedDischarge } : {}) };
  return {
    resourceType: 'Encounter',
    identifier: [stay.encounter],
    status: stay.admitted ? 'in-progress' : 'planned',
    class: { system: V3_ACT_CODE_SYSTEM, code: 'IMP', display: 'inpatient encounter' },
    subject: patient,
    ...(Object.keys(period).length > 0 ? { period } : {}),
    ...(stay.admissionType ? { priority: { text: stay.admissionType } } : {}),
    ...(reason ? { reasonReference: [reason] } : {}),
    ...(ward ? { location: [{ location: ward }] } : {}),
    serviceProvider: hospital,
  };
}

function practitioner(person: AdwPerson): Practitioner {
  return { resourceType: 'Practitioner', name: [humanName(person.name)], ...(person.telecom ? { telecom: contactPoints(person.telecom) } : {}) };
}

function referralResource(
  input: AdwMessageInput,
  patient: Reference<Patient>,
  encounter: Reference<Encounter>,
  requester: Reference<Practitioner | Organization>,
  council: Reference<Organization>,
): ServiceRequest {
  const referral = input.referral ?? {};
  return {
    resourceType: 'ServiceRequest',
    status: 'active',
    intent: 'order',
    subject: patient,
    encounter,
    requester,
    performer: [council],
    ...(referral.reason ? { reasonCode: [{ text: referral.reason }] } : {}),
    ...(referral.supportingInformation ? { note: [{ text: referral.supportingInformation }] } : {}),
  };
}

function statementsResource(statements: AdwStatements, patient: Reference<Patient>, encounter: Reference<Encounter>, issued: string): QuestionnaireResponse {
  const item: QuestionnaireResponseItem[] = [];
  for (const [key, linkId] of Object.entries(ADW_STATEMENT_ITEMS) as Array<[keyof AdwStatements, string]>) {
    const value = statements[key];
    if (typeof value === 'boolean') item.push({ linkId, answer: [{ valueBoolean: value }] });
    else if (typeof value === 'string') item.push({ linkId, answer: [{ valueString: value }] });
  }
  return { resourceType: 'QuestionnaireResponse', questionnaire: ADW_STATEMENTS_QUESTIONNAIRE, status: 'completed', subject: patient, encounter, authored: issued, item };
}

function reasonConcept(reason: AdwReason): CodeableConcept {
  const { system, code, display, text } = reason;
  const coding = code ? [{ ...(system ? { system } : {}), code, ...(display ? { display } : {}) }] : undefined;
  return { ...(coding ? { coding } : {}), ...(text ? { text } : {}) };
}

function humanName(name: AdwName): HumanName {
  return { ...(name.family ? { family: name.family } : {}), ...(name.given ? { given: name.given } : {}) };
}

function contactPoints(telecom: AdwTelecom[]): ContactPoint[] {
  return telecom.map((t) => ({ system: t.system, value: t.value }));
}

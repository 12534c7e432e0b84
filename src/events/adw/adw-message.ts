// Reads a Care Act Schedule 3 notice or a council's answer (an R4 message Bundle) into a plain
// AdwMessage, refusing anything the notice must carry but does not, with FHIRPath locations.
// See: ../../../docs/events/adw.md · https://hl7.org/fhir/R4/messaging.html

import { FhirError, type Issue } from '../../fhir/errors.ts';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../../fhir/nhs-number.ts';
import { parseDateRange } from '../../fhir/date-range.ts';
import { isValidId } from '../../fhir/validate.ts';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  ODS_ORGANIZATION_SYSTEM,
  ODS_SITE_SYSTEM,
  ONS_GSS_CODE_SYSTEM,
} from '../../fhir/systems.ts';
import {
  ADW_ADMISSION_NOTIFICATION_CODE,
  ADW_CARER_RELATIONSHIP,
  ADW_EVENT_SYSTEM,
  ADW_STATEMENT_ITEMS,
  ADW_STATEMENTS_QUESTIONNAIRE,
  adwEventByCode,
  type AdwAnswer,
  type AdwEventDefinition,
  type AdwKind,
  type AdwNoticeKind,
  type AdwWithdrawalScope,
} from './adw-codes.ts';

export interface AdwIdentifier { system?: string; value: string }
export interface AdwName { family?: string; given?: string[] }
export interface AdwTelecom { system: 'phone' | 'email'; value: string }
export interface AdwAddress { lines?: string[]; city?: string; district?: string; postalCode?: string }
/** A named person with contact details: the hospital liaison, the lead clinician, a carer. */
export interface AdwPerson { name: AdwName; telecom?: AdwTelecom[] }

export interface AdwPatient {
  nhsNumber: string;
  /** NHS number verification status, 01–08. */
  nhsNumberStatus?: string;
  hospitalNumber?: AdwIdentifier;
  name?: AdwName;
  birthDate?: string;
  gender?: 'male' | 'female' | 'other' | 'unknown';
  address?: AdwAddress;
  telecom?: AdwTelecom[];
  /** BCP 47 code of the preferred language. */
  language?: string;
  interpreterRequired?: boolean;
  carers?: AdwPerson[];
}

/** The hospital stay the notices are about (the Encounter). */
export interface AdwStay {
  encounter: AdwIdentifier;
  hospital: { ods: string; name?: string };
  ward?: string;
  admitted?: string;
  proposedDischarge?: string;
  admissionReason?: string;
  admissionType?: string;
}

/** The local authority, by ODS or ONS GSS code (at least one). */
export interface AdwCouncil { ods?: string; gss?: string; name: string }
export interface AdwReferral { reason?: string; supportingInformation?: string }
/** Statements a notice makes (Regulations 2014/2823 reg 3(1)(f); discharge: patient told of the date). */
export interface AdwStatements {
  patientConsulted?: boolean;
  carerConsulted?: boolean;
  /** Did the patient or carer object to the notice being given? */
  objection?: boolean;
  chcConsidered?: boolean;
  chcResult?: string;
  safeguardingConcern?: boolean;
  safeguardingDetails?: string;
  dischargeDateInformed?: boolean;
}
export interface AdwReason { system?: string; code?: string; display?: string; text?: string }

/** One ADW message, read. Notices carry the stay's details; responses name the notice they answer. */
export interface AdwMessage {
  /** MessageHeader.id, which a response's `response.identifier` names. */
  messageId: string;
  kind: AdwKind;
  event: { code: string; display: string };
  /** Bundle.timestamp: the date a notice is given (reg 2). */
  issued: string;
  stay: AdwStay;
  patient: AdwPatient;
  council: AdwCouncil;
  liaison?: AdwPerson;
  leadClinician?: AdwPerson;
  referral?: AdwReferral;
  statements?: AdwStatements;
  withdrawalScope?: AdwWithdrawalScope;
  respondsTo?: string;
  answers?: AdwNoticeKind;
  answer?: AdwAnswer;
  reason?: AdwReason;
}

type Json = Record<string, unknown>;
interface Entry { resource: Json; fullUrl?: string; path: string }

const HEADER = 'Bundle.entry[0].resource';
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const INTERPRETER_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/**
 * Reads and checks an ADW message Bundle. Throws FhirError `invalid` (`ADW_…` codes, every missing
 * data item listed) or `unsupported` for an admission notification.
 */
export function parseAdwMessage(bundle: unknown): AdwMessage {
  const entries = readEntries(bundle);
  const header = entries[0].resource;
  const event = readEvent(header);
  const issues: Issue[] = [];
  const messageId = readMessageId(header, issues);
  const issued = readIssued(bundle as Json, issues);
  const encounter = readFocusEncounter(entries, header);
  const patientEntry = resolve(entries, ref(encounter.resource.subject), 'Patient');
  if (!patientEntry) throw fail('ADW_PATIENT_MISSING', 'Encounter.subject names no Patient in the bundle', `${encounter.path}.subject`);
  const isNotice = event.kind !== 'response';
  const message: AdwMessage = {
    messageId,
    kind: event.kind,
    event: { code: event.code, display: event.display },
    issued,
    stay: readStay(entries, encounter, issues),
    patient: readPatient(patientEntry, isNotice, issues),
    council: readCouncil(entries, header, isNotice, issues),
  };
  readPeople(entries, header, event.kind, message, issues);
  if (isNotice) readSenderAndStatements(entries, header, event.kind, message, issues);
  readEventSpecifics(header, event, message, issues);
  if (event.kind === 'discharge-notice' && !message.stay.proposedDischarge) {
    issues.push(issue('ADW_PROPOSED_DISCHARGE_MISSING', 'A discharge notice must give the proposed discharge date', `${encounter.path}.period.end`));
  }
  if (issues.length > 0) throw FhirError.fromIssues('invalid', issues[0].id!, issues);
  return definedOnly(message);
}

function readEntries(bundle: unknown): Entry[] {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') throw fail('ADW_NOT_A_BUNDLE', 'An ADW message is a Bundle', 'Bundle');
  if (bundle.type !== 'message') throw fail('ADW_BUNDLE_TYPE', 'An ADW Bundle has type "message"', 'Bundle.type');
  const entries = list(bundle.entry).map((entry, i) => ({
    resource: isObject(entry) && isObject(entry.resource) ? entry.resource : {},
    fullUrl: isObject(entry) ? text(entry.fullUrl) : undefined,
    path: `Bundle.entry[${i}].resource`,
  }));
  if (entries[0]?.resource.resourceType !== 'MessageHeader') {
    throw fail('ADW_MESSAGE_HEADER_MISSING', 'The first entry of a message Bundle is its MessageHeader', HEADER);
  }
  return entries;
}

function readEvent(header: Json): AdwEventDefinition {
  const where = `${HEADER}.eventCoding`;
  const coding = isObject(header.eventCoding) ? header.eventCoding : undefined;
  const code = text(coding?.code);
  if (!coding || !code) throw fail('ADW_EVENT_MISSING', 'MessageHeader.eventCoding names the ADW event', where);
  if (coding.system !== ADW_EVENT_SYSTEM) throw fail('ADW_EVENT_SYSTEM', `ADW events are SNOMED CT codes (${ADW_EVENT_SYSTEM})`, where);
  if (code === ADW_ADMISSION_NOTIFICATION_CODE) {
    throw new FhirError('unsupported', 'ADW_EVENT_UNSUPPORTED', 'Admission notifications are not handled; only Schedule 3 notices and answers', where);
  }
  const event = adwEventByCode(code);
  if (!event) throw fail('ADW_EVENT_UNKNOWN', `SNOMED ${code} is not an ADW message event`, where);
  return event;
}

function readMessageId(header: Json, issues: Issue[]): string {
  const id = text(header.id);
  if (!id) issues.push(issue('ADW_MESSAGE_ID_MISSING', 'MessageHeader.id identifies the message (responses name it)', `${HEADER}.id`));
  else if (!isValidId(id)) issues.push(issue('ADW_MESSAGE_ID_INVALID', 'MessageHeader.id is not a FHIR id', `${HEADER}.id`));
  return id ?? '';
}

function readIssued(bundle: Json, issues: Issue[]): string {
  const timestamp = text(bundle.timestamp);
  if (!timestamp) issues.push(issue('ADW_TIMESTAMP_MISSING', 'Bundle.timestamp is the date the notice is given', 'Bundle.timestamp'));
  else if (!INSTANT.test(timestamp) || !parseDateRange(timestamp)) {
    issues.push(issue('ADW_TIMESTAMP_INVALID', 'Bundle.timestamp must be an instant with a time zone', 'Bundle.timestamp'));
  }
  return timestamp ?? '';
}

function readFocusEncounter(entries: Entry[], header: Json): Entry {
  for (const focus of list(header.focus)) {
    const found = resolve(entries, ref(focus), 'Encounter');
    if (found) return found;
  }
  throw fail('ADW_FOCUS_NOT_ENCOUNTER', 'MessageHeader.focus must name the hospital stay, an Encounter in the bundle', `${HEADER}.focus`);
}

function readStay(entries: Entry[], encounter: Entry, issues: Issue[]): AdwStay {
  const r = encounter.resource;
  const identifier = readIdentifier(list(r.identifier)[0]);
  if (!identifier) issues.push(issue('ADW_ENCOUNTER_IDENTIFIER_MISSING', 'The Encounter needs the hospital\'s identifier for the stay', `${encounter.path}.identifier`));
  const hospital = resolve(entries, ref(r.serviceProvider), 'Organization');
  const ods = hospital ? odsCode(hospital.resource) : undefined;
  if (!hospital) {
    issues.push(issue('ADW_HOSPITAL_MISSING', 'Encounter.serviceProvider names the hospital, an Organization in the bundle', `${encounter.path}.serviceProvider`));
  }
  else if (!ods) issues.push(issue('ADW_HOSPITAL_ODS_MISSING', 'The hospital needs its ODS code', `${hospital.path}.identifier`));
  const period = isObject(r.period) ? r.period : {};
  const ward = resolve(entries, ref(isObject(list(r.location)[0]) ? (list(r.location)[0] as Json).location : undefined), 'Location');
  const condition = resolve(entries, ref(list(r.reasonReference)[0]), 'Condition');
  const priority = isObject(r.priority) ? r.priority : undefined;
  return definedOnly({
    encounter: identifier ?? { value: '' },
    hospital: definedOnly({ ods: ods ?? '', name: text(hospital?.resource.name) }),
    ward: text(ward?.resource.name),
    admitted: readDate(period.start, `${encounter.path}.period.start`, issues),
    proposedDischarge: readDate(period.end, `${encounter.path}.period.end`, issues),
    admissionReason: condition && isObject(condition.resource.code) ? text(condition.resource.code.text) : undefined,
    admissionType: priority ? (text(priority.text) ?? text(firstCoding(priority)?.code)) : undefined,
  });
}

function readPatient(entry: Entry, nameRequired: boolean, issues: Issue[]): AdwPatient {
  const r = entry.resource;
  const identifiers = list(r.identifier).filter(isObject);
  const nhs = identifiers.find((i) => i.system === NHS_NUMBER_SYSTEM);
  const nhsNumber = text(nhs?.value)?.replace(/\s+/g, '');
  const where = `${entry.path}.identifier.where(system='${NHS_NUMBER_SYSTEM}')`;
  if (!nhsNumber) issues.push(issue('ADW_NHS_NUMBER_MISSING', 'Every ADW message carries the patient\'s NHS number', where));
  else if (!isValidNhsNumber(nhsNumber) || isPlaceholderNhsNumber(nhsNumber)) {
    issues.push(issue('ADW_NHS_NUMBER_INVALID', 'The NHS number fails its Modulus 11 check or is a placeholder', where));
  }
  const name = readName(list(r.name)[0]);
  if (nameRequired && !name) issues.push(issue('ADW_PATIENT_NAME_MISSING', 'A notice names the patient (reg 3(1)(a))', `${entry.path}.name`));
  const status = list(nhs?.extension).filter(isObject).find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION);
  const communication = list(r.communication).filter(isObject);
  const preferred = communication.find((c) => c.preferred === true) ?? communication[0];
  const interpreter = list(r.extension).filter(isObject).find((e) => e.url === INTERPRETER_EXTENSION);
  const gender = text(r.gender);
  return definedOnly({
    nhsNumber: nhsNumber ?? '',
    nhsNumberStatus: status && isObject(status.valueCodeableConcept) ? text(firstCoding(status.valueCodeableConcept)?.code) : undefined,
    hospitalNumber: readIdentifier(identifiers.find((i) => i !== nhs)),
    name,
    birthDate: readDate(r.birthDate, `${entry.path}.birthDate`, issues),
    gender: gender === 'male' || gender === 'female' || gender === 'other' || gender === 'unknown' ? gender : undefined,
    address: readAddress(list(r.address)[0]),
    telecom: readTelecom(r.telecom),
    language: preferred && isObject(preferred.language) ? text(firstCoding(preferred.language)?.code) : undefined,
    interpreterRequired: typeof interpreter?.valueBoolean === 'boolean' ? interpreter.valueBoolean : undefined,
    carers: nonEmpty(list(r.contact).filter(isObject).filter(isCarer).map(readContact).filter((c) => c !== undefined)),
  });
}

function readCouncil(entries: Entry[], header: Json, isNotice: boolean, issues: Issue[]): AdwCouncil {
  // Notices go to the council; the council sends the answers.
  const where = isNotice ? `${HEADER}.destination[0].receiver` : `${HEADER}.sender`;
  const destination = list(header.destination)[0];
  const council = resolve(entries, ref(isNotice ? (isObject(destination) ? destination.receiver : undefined) : header.sender), 'Organization');
  if (!council) {
    issues.push(issue('ADW_COUNCIL_MISSING', 'The council must be an Organization in the bundle', where));
    return { name: '' };
  }
  const identifiers = list(council.resource.identifier).filter(isObject);
  const ods = text(identifiers.find((i) => i.system === ODS_ORGANIZATION_SYSTEM)?.value);
  const gss = text(identifiers.find((i) => i.system === ONS_GSS_CODE_SYSTEM)?.value);
  const name = text(council.resource.name);
  if (!ods && !gss) issues.push(issue('ADW_COUNCIL_IDENTIFIER_MISSING', 'The council needs its ODS or GSS code', `${council.path}.identifier`));
  if (!name) issues.push(issue('ADW_COUNCIL_NAME_MISSING', 'The council needs its name', `${council.path}.name`));
  return definedOnly({ ods, gss, name: name ?? '' });
}

function readPeople(entries: Entry[], header: Json, kind: AdwKind, message: AdwMessage, issues: Issue[]): void {
  const liaison = resolve(entries, ref(header.author), 'Practitioner');
  const lead = resolve(entries, ref(header.responsible), 'Practitioner');
  message.leadClinician = lead ? readPerson(lead.resource) : undefined;
  message.liaison = liaison ? readPerson(liaison.resource) : undefined;
  if (kind !== 'assessment-notice' && kind !== 'discharge-notice') return;
  // Reg 3(1)(g), (2): the hospital liaison's full name and a telephone number or email address.
  if (!liaison) {
    issues.push(issue('ADW_LIAISON_MISSING', 'MessageHeader.author names the hospital liaison, a Practitioner in the bundle', `${HEADER}.author`));
  } else if (!message.liaison?.name.family && !message.liaison?.name.given) {
    issues.push(issue('ADW_LIAISON_NAME_MISSING', 'The hospital liaison needs a name', `${liaison.path}.name`));
  } else if (!message.liaison.telecom) {
    issues.push(issue('ADW_LIAISON_CONTACT_MISSING', 'The hospital liaison needs a telephone number or email address', `${liaison.path}.telecom`));
  }
}

function readSenderAndStatements(entries: Entry[], header: Json, kind: AdwKind, message: AdwMessage, issues: Issue[]): void {
  if (!resolve(entries, ref(header.sender), 'Organization')) {
    issues.push(issue('ADW_SENDER_MISSING', 'MessageHeader.sender names the hospital, an Organization in the bundle', `${HEADER}.sender`));
  }
  const referral = entries.find((e) => e.resource.resourceType === 'ServiceRequest');
  if (referral) {
    message.referral = definedOnly({
      reason: text((list(referral.resource.reasonCode).filter(isObject)[0] ?? {}).text),
      supportingInformation: text((list(referral.resource.note).filter(isObject)[0] ?? {}).text),
    });
  }
  const qr = entries.find((e) => e.resource.resourceType === 'QuestionnaireResponse' && e.resource.questionnaire === ADW_STATEMENTS_QUESTIONNAIRE);
  const required = requiredStatements(kind);
  if (!qr) {
    if (required.length > 0) {
      const message = `A ${kind} carries its statements as a QuestionnaireResponse (${ADW_STATEMENTS_QUESTIONNAIRE})`;
      issues.push(issue('ADW_STATEMENTS_MISSING', message, 'Bundle.entry.resource.ofType(QuestionnaireResponse)'));
    }
    return;
  }
  const statements = readStatements(qr.resource);
  message.statements = statements;
  const missing = required.filter((key) => statements[key] === undefined);
  if (statements.chcConsidered === true && !statements.chcResult) missing.push('chcResult');
  for (const key of missing) {
    const linkId = ADW_STATEMENT_ITEMS[key];
    issues.push(issue('ADW_STATEMENT_MISSING', `The ${kind} must state ${linkId}`, `${qr.path}.item.where(linkId='${linkId}')`));
  }
}

function requiredStatements(kind: AdwKind): Array<keyof AdwStatements> {
  if (kind === 'assessment-notice') return ['patientConsulted', 'objection', 'chcConsidered'];
  if (kind === 'discharge-notice') return ['dischargeDateInformed'];
  return [];
}

function readStatements(qr: Json): AdwStatements {
  const answers = new Map<string, Json>();
  for (const item of list(qr.item).filter(isObject)) {
    const answer = list(item.answer).filter(isObject)[0];
    if (typeof item.linkId === 'string' && answer) answers.set(item.linkId, answer);
  }
  const bool = (linkId: string): boolean | undefined => {
    const value = answers.get(linkId)?.valueBoolean;
    return typeof value === 'boolean' ? value : undefined;
  };
  const string = (linkId: string): string | undefined => text(answers.get(linkId)?.valueString);
  const items = ADW_STATEMENT_ITEMS;
  return definedOnly({
    patientConsulted: bool(items.patientConsulted),
    carerConsulted: bool(items.carerConsulted),
    objection: bool(items.objection),
    chcConsidered: bool(items.chcConsidered),
    chcResult: string(items.chcResult),
    safeguardingConcern: bool(items.safeguardingConcern),
    safeguardingDetails: string(items.safeguardingDetails),
    dischargeDateInformed: bool(items.dischargeDateInformed),
  });
}

function readEventSpecifics(header: Json, event: AdwEventDefinition, message: AdwMessage, issues: Issue[]): void {
  message.reason = readReason(header.reason);
  if (event.kind === 'withdrawal') {
    message.withdrawalScope = event.withdrawalScope;
    if (!message.reason) issues.push(issue('ADW_REASON_MISSING', 'A withdrawal gives its reason', `${HEADER}.reason`));
  }
  if (event.kind !== 'response') return;
  message.answers = event.answers;
  message.answer = event.answer;
  const where = `${HEADER}.response`;
  const response = isObject(header.response) ? header.response : undefined;
  const answered = text(response?.identifier);
  if (!response || !answered) {
    issues.push(issue('ADW_RESPONSE_IDENTIFIER_MISSING', 'A response names the notice it answers in response.identifier', `${where}.identifier`));
  } else if (!isValidId(answered) || answered === message.messageId) {
    issues.push(issue('ADW_RESPONSE_IDENTIFIER_INVALID', 'response.identifier must be the MessageHeader.id of another message', `${where}.identifier`));
  } else {
    message.respondsTo = answered;
  }
  if (response && response.code !== 'ok') {
    issues.push(issue('ADW_RESPONSE_CODE', 'An ADW answer is a business response: response.code is "ok"', `${where}.code`));
  }
}

// --- small readers -------------------------------------------------------------------------

function resolve(entries: Entry[], reference: string | undefined, type: string): Entry | undefined {
  if (!reference) return undefined;
  const found = entries.find(
    (e) => e.fullUrl === reference || `${String(e.resource.resourceType)}/${String(e.resource.id)}` === reference || e.fullUrl?.endsWith(`/${reference}`),
  );
  return found?.resource.resourceType === type ? found : undefined;
}

function ref(value: unknown): string | undefined {
  return isObject(value) ? text(value.reference) : undefined;
}

function odsCode(org: Json): string | undefined {
  const identifiers = list(org.identifier).filter(isObject);
  return text(identifiers.find((i) => i.system === ODS_ORGANIZATION_SYSTEM || i.system === ODS_SITE_SYSTEM)?.value);
}

function readIdentifier(value: unknown): AdwIdentifier | undefined {
  if (!isObject(value) || !text(value.value)) return undefined;
  return definedOnly({ system: text(value.system), value: text(value.value)! });
}

function readName(value: unknown): AdwName | undefined {
  if (!isObject(value)) return undefined;
  const given = list(value.given).filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  const family = text(value.family);
  if (!family && given.length === 0) return undefined;
  return definedOnly({ family, given: nonEmpty(given) });
}

function readPerson(resource: Json): AdwPerson {
  return definedOnly({ name: readName(list(resource.name)[0]) ?? {}, telecom: readTelecom(resource.telecom) });
}

function readContact(contact: Json): AdwPerson | undefined {
  const name = readName(contact.name);
  return name ? definedOnly({ name, telecom: readTelecom(contact.telecom) }) : undefined;
}

function isCarer(contact: Json): boolean {
  const { system, code } = ADW_CARER_RELATIONSHIP;
  return list(contact.relationship).filter(isObject).some(
    (r) => /^carer$/i.test(text(r.text) ?? '') || list(r.coding).filter(isObject).some((c) => c.system === system && c.code === code),
  );
}

function readTelecom(value: unknown): AdwTelecom[] | undefined {
  const telecom = list(value)
    .filter(isObject)
    .filter((t) => (t.system === 'phone' || t.system === 'email') && text(t.value))
    .map((t) => ({ system: t.system as 'phone' | 'email', value: text(t.value)! }));
  return nonEmpty(telecom);
}

function readAddress(value: unknown): AdwAddress | undefined {
  if (!isObject(value)) return undefined;
  const address = definedOnly({
    lines: nonEmpty(list(value.line).filter((l): l is string => typeof l === 'string' && l.trim() !== '')),
    city: text(value.city),
    district: text(value.district),
    postalCode: text(value.postalCode),
  });
  return Object.keys(address).length > 0 ? address : undefined;
}

function readReason(value: unknown): AdwReason | undefined {
  if (!isObject(value)) return undefined;
  const coding = firstCoding(value);
  const reason = definedOnly({ system: text(coding?.system), code: text(coding?.code), display: text(coding?.display), text: text(value.text) });
  return reason.code || reason.text ? reason : undefined;
}

function readDate(value: unknown, where: string, issues: Issue[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !parseDateRange(value)) {
    issues.push(issue('ADW_DATE_INVALID', 'Not a FHIR date or dateTime', where));
    return undefined;
  }
  return value;
}

function firstCoding(concept: Json): Json | undefined {
  return list(concept.coding).filter(isObject)[0];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function nonEmpty<T>(values: T[]): T[] | undefined {
  return values.length > 0 ? values : undefined;
}

/** Drops keys whose value is undefined, so messages compare and fingerprint by content alone. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function issue(code: string, message: string, where: string): Issue {
  return { severity: 'error', code: code.endsWith('_MISSING') ? 'required' : 'invalid', id: code, message, expression: [where] };
}

function fail(code: string, message: string, where: string): FhirError {
  return new FhirError('invalid', code, message, where);
}

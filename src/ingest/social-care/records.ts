// The canonical social-care record: what councils' extracts say (seed 000 Appendix 1, adults and
// children; seed 001 Hackney), one record type per extract file, independent of any supplier's
// columns. CSV profiles map columns onto these fields; to-fhir.ts maps the fields onto UK Core.
import {
  ACCESSIBLE_INFORMATION,
  ASSESSMENT_TYPE,
  CONTACT_REASON,
  CONTACT_TYPE,
  EPISODE_TYPE,
  ETHNICITY,
  EVENT_TYPE,
  FLAG_CATEGORY,
  FLAG_TYPE,
  GENDER,
  LANGUAGE,
  NHS_NUMBER_STATUS,
  OUTCOME,
  PLAN_CATEGORY,
  PLAN_TYPE,
  PROFESSION,
  RELATIONSHIP,
  REQUEST_STATUS,
  ROLE,
  SAFEGUARDING_CATEGORY,
  SERVICE_SETTING,
  SERVICE_TYPE,
  SUPPORT_REASON,
  TASK_STATUS,
  type CodeTable,
} from './code-tables.ts';

/** Record types in the order an extract must be loaded: each refers only to types before it. */
export const RECORD_TYPES = ['person', 'contact', 'allocation', 'episode', 'event', 'service', 'plan', 'flag'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** Records a row implies besides its own: the team, worker and provider it names. */
export type SharedRecordType = 'team' | 'worker' | 'provider';

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

interface Address {
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  town?: string;
  county?: string;
  postcode?: string;
}

/** A person the council supports (the client). */
export interface PersonRecord extends Address {
  recordType: 'person';
  clientId: string;
  title?: string;
  givenName1: string;
  givenName2?: string;
  givenName3?: string;
  familyName: string;
  gender: string;
  birthDate: string;
  deathDate?: string;
  ethnicity?: string;
  nhsNumber?: string;
  nhsNumberStatus?: string;
  phoneHome?: string;
  phoneMobile?: string;
  email?: string;
  language?: string;
  interpreterRequired?: boolean;
  accessibleInformationNeed?: string;
  accessibleInformationDetail?: string;
  gpPracticeCode?: string;
}

/** A carer, a parent with parental responsibility, next of kin or an advocate. */
export interface ContactRecord extends Address {
  recordType: 'contact';
  contactId: string;
  personId: string;
  contactType: string;
  primary: boolean;
  relationship?: string;
  givenName?: string;
  familyName: string;
  gender?: string;
  birthDate?: string;
  nhsNumber?: string;
  nhsNumberStatus?: string;
  phone?: string;
  email?: string;
}

/** The team and allocated worker (and their manager or episode coordinator) responsible for the person. */
export interface AllocationRecord {
  recordType: 'allocation';
  allocationId: string;
  personId: string;
  laCode?: string;
  teamId: string;
  teamName: string;
  teamPhone?: string;
  workerId: string;
  workerRole: string;
  workerGivenName?: string;
  workerFamilyName: string;
  workerJobTitle?: string;
  workerProfession?: string;
  workerPhone?: string;
  workerMobile?: string;
  managerId?: string;
  managerRole?: string;
  managerGivenName?: string;
  managerFamilyName?: string;
  managerJobTitle?: string;
  managerProfession?: string;
  managerPhone?: string;
  managerMobile?: string;
  startDate: string;
  endDate?: string;
  planType?: string;
  carerContactIds?: string[];
}

/** The case: open or closed, its type, primary support reason and (children) referral. */
export interface EpisodeRecord {
  recordType: 'episode';
  caseNumber: string;
  personId: string;
  episodeType: string;
  status: 'open' | 'closed';
  startDate: string;
  endDate?: string;
  laCode?: string;
  careManagerId?: string;
  allocationId?: string;
  supportReason?: string;
  supportReasonDate?: string;
  supportReasonRecordedBy?: string;
  referralDate?: string;
  referralEndDate?: string;
  referralSource?: string;
  referralRequesterCode?: string;
}

/** A CLD event: contact/request, assessment, review or safeguarding enquiry. */
export interface EventRecord {
  recordType: 'event';
  eventId: string;
  personId: string;
  caseNumber?: string;
  eventType: string;
  status: string;
  authoredOn?: string;
  startDate?: string;
  endDate?: string;
  dueDate?: string;
  teamId?: string;
  teamName?: string;
  requesterType?: 'person' | 'contact' | 'organisation';
  requesterId?: string;
  requestReason?: string;
  safeguardingCategory?: string;
  outcome?: string;
  assessmentType?: string;
  carerNote?: string;
  sourceOfAlert?: string;
  reasonForEnd?: string;
  description?: string;
}

/** A service or care package, its provider, and any equipment provided. */
export interface ServiceRecord {
  recordType: 'service';
  serviceId: string;
  personId: string;
  caseNumber?: string;
  setting?: string;
  serviceType: string;
  serviceName?: string;
  status: string;
  startDate: string;
  endDate?: string;
  authoredOn?: string;
  requesterId?: string;
  providerId?: string;
  providerName?: string;
  providerPhone?: string;
  equipmentTypes?: string[];
  equipmentDelivered?: string[];
}

/** A care and support plan, or a child's plan (child protection, looked after). */
export interface PlanRecord {
  recordType: 'plan';
  planId: string;
  personId: string;
  caseNumber?: string;
  category: string;
  planType?: string;
  title?: string;
  status: string;
  startDate: string;
  endDate?: string;
  authorId?: string;
  serviceIds?: string[];
}

/** An alert on the record: child in need, CPP, looked after, indicators, safeguarding. */
export interface FlagRecord {
  recordType: 'flag';
  flagId: string;
  personId: string;
  flagType: string;
  category?: string;
  description?: string;
  status: 'active' | 'inactive';
  startDate: string;
  endDate?: string;
  reviewDate?: string;
  laCode?: string;
}

export type SocialCareRecord = PersonRecord | ContactRecord | AllocationRecord | EpisodeRecord | EventRecord | ServiceRecord | PlanRecord | FlagRecord;
export type RecordOf<T extends RecordType> = Extract<SocialCareRecord, { recordType: T }>;

export type FieldKind = 'id' | 'text' | 'date' | 'dateTime' | 'boolean' | 'code' | 'nhsNumber' | 'enum' | 'idList' | 'textList' | 'dateList';

export interface FieldDef {
  name: string;
  kind: FieldKind;
  /** A row without it is quarantined. */
  required?: boolean;
  /** Coded fields: the national codes it accepts (local codes reach them through the lexicon). */
  table?: CodeTable;
  /** Enum fields: the values it accepts. */
  values?: readonly string[];
  /** Id fields naming another record of the same source, checked before applying. */
  references?: RecordType | SharedRecordType;
  /** Filled when the column is absent or empty (status fields); see defaults(). */
  defaulted?: boolean;
}

export interface RecordSchema {
  type: RecordType;
  /** The field holding the source's own id for the record. */
  idField: string;
  /** The kind in its identifier system `urn:sharedcare:id:<source>:<kind>` (the generator's names). */
  identifierKind: string;
  fields: readonly FieldDef[];
}

const id = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind: 'id', ...extra });
const text = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind: 'text', ...extra });
const date = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind: 'date', ...extra });
const dateTime = (name: string, extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind: 'dateTime', ...extra });
const code = (name: string, table: CodeTable, extra: Partial<FieldDef> = {}): FieldDef => ({ name, kind: 'code', table, ...extra });
const person = id('personId', { required: true, references: 'person' });
const address = ['addressLine1', 'addressLine2', 'addressLine3', 'town', 'county', 'postcode'].map((n) => text(n));

export const SCHEMAS: { readonly [T in RecordType]: RecordSchema } = {
  person: { type: 'person', idField: 'clientId', identifierKind: 'person', fields: [
    id('clientId', { required: true }), text('title'), text('givenName1', { required: true }), text('givenName2'), text('givenName3'),
    text('familyName', { required: true }), code('gender', GENDER, { required: true }), date('birthDate', { required: true }),
    dateTime('deathDate'), code('ethnicity', ETHNICITY), { name: 'nhsNumber', kind: 'nhsNumber' }, code('nhsNumberStatus', NHS_NUMBER_STATUS),
    ...address, text('phoneHome'), text('phoneMobile'), text('email'), code('language', LANGUAGE),
    { name: 'interpreterRequired', kind: 'boolean' }, code('accessibleInformationNeed', ACCESSIBLE_INFORMATION), text('accessibleInformationDetail'),
    text('gpPracticeCode'),
  ] },
  contact: { type: 'contact', idField: 'contactId', identifierKind: 'related-person', fields: [
    id('contactId', { required: true }), person, code('contactType', CONTACT_TYPE, { required: true }),
    { name: 'primary', kind: 'boolean', defaulted: true }, code('relationship', RELATIONSHIP), text('givenName'),
    text('familyName', { required: true }), code('gender', GENDER), date('birthDate'), { name: 'nhsNumber', kind: 'nhsNumber' },
    code('nhsNumberStatus', NHS_NUMBER_STATUS), ...address, text('phone'), text('email'),
  ] },
  allocation: { type: 'allocation', idField: 'allocationId', identifierKind: 'allocation', fields: [
    id('allocationId', { required: true }), person, text('laCode'), id('teamId', { required: true }), text('teamName', { required: true }),
    text('teamPhone'), id('workerId', { required: true }), code('workerRole', ROLE, { defaulted: true }), text('workerGivenName'),
    text('workerFamilyName', { required: true }), text('workerJobTitle'), code('workerProfession', PROFESSION), text('workerPhone'),
    text('workerMobile'), id('managerId'), code('managerRole', ROLE), text('managerGivenName'), text('managerFamilyName'),
    text('managerJobTitle'), code('managerProfession', PROFESSION), text('managerPhone'), text('managerMobile'),
    date('startDate', { required: true }), date('endDate'), code('planType', PLAN_TYPE),
    { name: 'carerContactIds', kind: 'idList', references: 'contact' },
  ] },
  episode: { type: 'episode', idField: 'caseNumber', identifierKind: 'case', fields: [
    id('caseNumber', { required: true }), person, code('episodeType', EPISODE_TYPE, { required: true }),
    { name: 'status', kind: 'enum', values: ['open', 'closed'], defaulted: true }, date('startDate', { required: true }), date('endDate'),
    text('laCode'), id('careManagerId', { references: 'worker' }), id('allocationId', { references: 'allocation' }),
    code('supportReason', SUPPORT_REASON), dateTime('supportReasonDate'), id('supportReasonRecordedBy', { references: 'worker' }),
    dateTime('referralDate'), date('referralEndDate'), text('referralSource'), text('referralRequesterCode'),
  ] },
  event: { type: 'event', idField: 'eventId', identifierKind: 'event', fields: [
    id('eventId', { required: true }), person, id('caseNumber', { references: 'episode' }), code('eventType', EVENT_TYPE, { required: true }),
    code('status', TASK_STATUS, { defaulted: true }), dateTime('authoredOn'), dateTime('startDate'), dateTime('endDate'), dateTime('dueDate'),
    id('teamId', { references: 'team' }), text('teamName'), { name: 'requesterType', kind: 'enum', values: ['person', 'contact', 'organisation'] },
    id('requesterId'), code('requestReason', CONTACT_REASON), code('safeguardingCategory', SAFEGUARDING_CATEGORY), code('outcome', OUTCOME),
    code('assessmentType', ASSESSMENT_TYPE), text('carerNote'), text('sourceOfAlert'), text('reasonForEnd'), text('description'),
  ] },
  service: { type: 'service', idField: 'serviceId', identifierKind: 'service', fields: [
    id('serviceId', { required: true }), person, id('caseNumber', { references: 'episode' }), code('setting', SERVICE_SETTING),
    code('serviceType', SERVICE_TYPE, { required: true }), text('serviceName'), code('status', REQUEST_STATUS, { defaulted: true }),
    date('startDate', { required: true }), date('endDate'), dateTime('authoredOn'), id('requesterId', { references: 'worker' }),
    id('providerId'), text('providerName'), text('providerPhone'), { name: 'equipmentTypes', kind: 'textList' },
    { name: 'equipmentDelivered', kind: 'dateList' },
  ] },
  plan: { type: 'plan', idField: 'planId', identifierKind: 'plan', fields: [
    id('planId', { required: true }), person, id('caseNumber', { references: 'episode' }), code('category', PLAN_CATEGORY, { required: true }),
    code('planType', PLAN_TYPE), text('title'), code('status', REQUEST_STATUS, { defaulted: true }), date('startDate', { required: true }),
    date('endDate'), id('authorId', { references: 'worker' }), { name: 'serviceIds', kind: 'idList', references: 'service' },
  ] },
  flag: { type: 'flag', idField: 'flagId', identifierKind: 'flag', fields: [
    id('flagId', { required: true }), person, code('flagType', FLAG_TYPE, { required: true }), code('category', FLAG_CATEGORY),
    text('description'), { name: 'status', kind: 'enum', values: ['active', 'inactive'], defaulted: true }, date('startDate', { required: true }),
    date('endDate'), date('reviewDate'), text('laCode'),
  ] },
};

/** Fields a writer may fill from others (e.g. "equipment provided Yes/No" from the equipment list). */
export const DERIVED_FIELDS: { readonly [T in RecordType]?: Readonly<Record<string, (record: RecordOf<T>) => boolean>> } = {
  service: { equipment: (r) => (r.equipmentTypes?.length ?? 0) > 0 },
};

/** The source's own id of a record. */
export function localIdOf(record: SocialCareRecord): string {
  return (record as unknown as Record<string, string>)[SCHEMAS[record.recordType].idField]!;
}

/**
 * Puts a record read from a source into canonical form: fills the status-like fields a source may
 * leave out (a case, flag or plan with an end date is closed; an event with an end date is completed;
 * a contact is not the primary one unless it says so), closes gaps in address lines and given names,
 * and drops details that mean nothing without the field they qualify (a manager's phone without the
 * manager, a note that only repeats a code's display). The mapping is exact on canonical records.
 */
export function normaliseRecord(record: Record<string, unknown> & { recordType: RecordType }): void {
  const r = record;
  compact(r, ['addressLine1', 'addressLine2', 'addressLine3']);
  compact(r, ['givenName1', 'givenName2', 'givenName3']);
  if (r.nhsNumber === undefined) delete r.nhsNumberStatus;
  const ended = r.endDate !== undefined;
  switch (r.recordType) {
    case 'person': dropUnless(r, 'accessibleInformationNeed', ['accessibleInformationDetail']); dropIfDisplay(r, 'accessibleInformationDetail', ACCESSIBLE_INFORMATION.get(r.accessibleInformationNeed as string)?.display); break;
    case 'contact': r.primary ??= false; break;
    case 'allocation':
      r.workerRole ??= 'allocated-worker';
      if (r.managerId !== undefined) r.managerRole ??= 'team-manager';
      dropUnless(r, 'managerId', Object.keys(r).filter((k) => k.startsWith('manager') && k !== 'managerId'));
      break;
    case 'episode': r.status ??= ended ? 'closed' : 'open'; dropUnless(r, 'supportReason', ['supportReasonDate', 'supportReasonRecordedBy']); break;
    case 'event': r.status ??= ended ? 'completed' : 'in-progress'; if (r.requesterType === 'person') delete r.requesterId; break;
    case 'service':
      r.status ??= ended ? 'completed' : 'active';
      dropUnless(r, 'providerId', ['providerPhone']);
      dropUnless(r, 'equipmentTypes', ['equipmentDelivered']);
      dropIfDisplay(r, 'serviceName', SERVICE_TYPE.get(r.serviceType as string)?.display);
      break;
    case 'plan': r.status ??= ended ? 'completed' : 'active'; break;
    case 'flag': r.status ??= ended ? 'inactive' : 'active'; dropIfDisplay(r, 'description', FLAG_TYPE.get(r.flagType as string)?.display); break;
  }
}

function compact(r: Record<string, unknown>, keys: readonly string[]): void {
  const values = keys.map((k) => r[k]).filter((v) => v !== undefined);
  keys.forEach((k, i) => (i < values.length ? (r[k] = values[i]) : delete r[k]));
}

function dropUnless(r: Record<string, unknown>, key: string, dependants: readonly string[]): void {
  if (r[key] === undefined) for (const d of dependants) delete r[d];
}

function dropIfDisplay(r: Record<string, unknown>, key: string, display: string | undefined): void {
  if (r[key] !== undefined && r[key] === display) delete r[key];
}

/** A field a record lacks or gets wrong given its other fields (a rule one field alone cannot say). */
export interface RecordProblem {
  field: string;
  message: string;
}

/** Rules across fields: an adult's case needs a primary support reason, a named manager needs a name… */
export function recordProblems(record: SocialCareRecord): RecordProblem[] {
  const problems: RecordProblem[] = [];
  const r = record;
  if (r.recordType === 'allocation' && r.managerId !== undefined && r.managerFamilyName === undefined) {
    problems.push({ field: 'managerFamilyName', message: 'A manager or episode coordinator needs a family name' });
  }
  if (r.recordType === 'episode' && r.episodeType === 'adult-social-care' && r.supportReason === undefined) {
    problems.push({ field: 'supportReason', message: "An adult social care case needs a primary support reason" });
  }
  if (r.recordType === 'event') {
    if ((r.requesterType === 'contact' || r.requesterType === 'organisation') && r.requesterId === undefined) {
      problems.push({ field: 'requesterId', message: `A requester of type ${r.requesterType} needs its id` });
    }
    if (r.requesterType === undefined && r.requesterId !== undefined) problems.push({ field: 'requesterType', message: 'A requester id needs a requester type' });
  }
  if (r.recordType === 'service' && (r.equipmentDelivered?.length ?? 0) > (r.equipmentTypes?.length ?? 0)) {
    problems.push({ field: 'equipmentDelivered', message: 'More delivery dates than items of equipment' });
  }
  return problems;
}

/** A record of the same source this record refers to, and the field that names it. */
export interface RecordReference {
  field: string;
  type: RecordType | SharedRecordType;
  id: string;
}

/** The other records of the source a record names: they must have been sent first. */
export function referencedRecords(record: SocialCareRecord): RecordReference[] {
  const values = record as unknown as Record<string, unknown>;
  const out: RecordReference[] = [];
  for (const field of SCHEMAS[record.recordType].fields) {
    const value = values[field.name];
    if (!field.references || value === undefined) continue;
    for (const id of [value].flat() as string[]) out.push({ field: field.name, type: field.references, id });
  }
  if (record.recordType === 'event' && record.requesterType === 'contact' && record.requesterId !== undefined) {
    out.push({ field: 'requesterId', type: 'contact', id: record.requesterId });
  }
  return out;
}

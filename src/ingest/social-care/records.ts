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

// Rules on whole records, beyond single fields: the canonical form a record is put in after reading
// (defaults, closed gaps, dropped orphans), the rules across fields, and the other records a record names.
import { ACCESSIBLE_INFORMATION, FLAG_TYPE, SERVICE_TYPE } from './code-tables.ts';
import { SCHEMAS, type RecordType, type SharedRecordType, type SocialCareRecord } from './records.ts';

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
  // One staff id is one Practitioner: the same id named two ways cannot both be kept.
  if (r.recordType === 'allocation' && r.managerId !== undefined && r.managerId === r.workerId) {
    const differs = (['GivenName', 'FamilyName', 'JobTitle', 'Profession', 'Phone', 'Mobile'] as const)
      .some((f) => r[`manager${f}`] !== undefined && r[`manager${f}`] !== r[`worker${f}`]);
    if (differs) problems.push({ field: 'managerId', message: 'The manager has the allocated worker\'s staff id but different details' });
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

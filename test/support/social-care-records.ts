// fast-check arbitraries for canonical social-care records, built from the record schemas, so the
// mapping's round trips (record → FHIR → record, record → CSV row → record) are tested on every field.
import fc from 'fast-check';
import { nhsNumberCheckDigit } from '../../src/fhir/nhs-number.ts';
import { normaliseRecord } from '../../src/ingest/social-care/record-rules.ts';
import { SCHEMAS, type FieldDef, type RecordType, type SocialCareRecord } from '../../src/ingest/social-care/records.ts';

const WORDS = ['Ash', 'Birch', 'Cedar', 'Daisy', 'Elm', 'Fern', "O'Neil", 'Smith-Jones', 'Zoë', 'Łukasz', 'Flat 2', 'Rose, Lane', 'say "hi"'];

export const idArb = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
export const textArb = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(' '));
const day = fc.integer({ min: Date.UTC(1920, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 });
export const dateArb = day.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
// From 03:00 UTC: earlier times on the night the UK's clocks go back name two local times, which a
// local-time extract cannot tell apart (date-format.test.ts covers that night).
export const dateTimeArb = fc.tuple(day, fc.integer({ min: 180, max: 1439 })).map(([d, m]) => new Date(d * 86_400_000 + m * 60_000).toISOString().slice(0, 19) + 'Z');
export const nhsNumberArb = fc.stringMatching(/^[0-9]{9}$/)
  .filter((n) => nhsNumberCheckDigit(n) !== undefined && !/^(\d)\1{8}$/.test(n))
  .map((n) => `${n}${nhsNumberCheckDigit(n)}`);

function fieldArb(field: FieldDef): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'id': return idArb;
    case 'text': return textArb;
    case 'date': return dateArb;
    case 'dateTime': return fc.oneof(dateTimeArb, dateArb);
    case 'boolean': return fc.boolean();
    case 'code': return fc.constantFrom(...field.table!.entries.map((e) => e.code));
    case 'nhsNumber': return nhsNumberArb;
    case 'enum': return fc.constantFrom(...field.values!);
    case 'idList': return fc.uniqueArray(idArb, { minLength: 1, maxLength: 3 });
    // An item cannot hold the list separator (";" or ","): extracts have no way to say it.
    case 'textList': return fc.array(textArb.filter((t) => !/[;,]/.test(t)), { minLength: 1, maxLength: 3 });
    case 'dateList': return fc.array(dateArb, { minLength: 1, maxLength: 3 });
  }
}

/** Canonical records of a type: fields independent where the schema lets them be, consistent where it does not. */
export function recordArb(type: RecordType): fc.Arbitrary<SocialCareRecord> {
  const schema = SCHEMAS[type];
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredKeys: string[] = ['recordType'];
  shape.recordType = fc.constant(type);
  for (const field of schema.fields) {
    shape[field.name] = fieldArb(field);
    if (field.required || field.defaulted) requiredKeys.push(field.name);
  }
  return fc.record(shape, { requiredKeys }).map((r) => consistent(r as Record<string, unknown> & { recordType: RecordType }) as unknown as SocialCareRecord);
}

/** Keeps generated records within the cross-field rules (recordProblems), then puts them in canonical form. */
function consistent(r: Record<string, unknown> & { recordType: RecordType }): Record<string, unknown> {
  if (r.recordType === 'allocation' && r.managerId !== undefined) r.managerFamilyName ??= 'Manager';
  if (r.recordType === 'allocation' && r.managerId !== undefined && r.managerId === r.workerId) r.managerId = `${r.managerId as string}-m`;
  if (r.recordType === 'episode' && r.episodeType === 'adult-social-care') r.supportReason ??= 'PS-PCS';
  if (r.recordType === 'event' && r.requesterType !== 'person' && (r.requesterType === undefined) !== (r.requesterId === undefined)) {
    delete r.requesterType;
    delete r.requesterId;
  }
  if (r.recordType === 'service' && Array.isArray(r.equipmentTypes) && Array.isArray(r.equipmentDelivered)) {
    const delivered = r.equipmentDelivered as string[];
    r.equipmentDelivered = (r.equipmentTypes as string[]).map((_, i) => delivered[i % delivered.length]);
  }
  normaliseRecord(r);
  return r;
}

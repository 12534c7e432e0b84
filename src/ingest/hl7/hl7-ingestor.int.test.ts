// The ingestor end to end on a database (PGlite, or PostgreSQL with TEST_DATABASE_URL): what an
// acknowledgement promises is what was committed; refused messages are quarantined; repeats change nothing.
import { Hl7Message } from '@medplum/core';
import type { Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase } from '../../../test/support/test-database.ts';
import { loadDefinitions } from '../../fhir/definitions.ts';
import { NHS_NUMBER_SYSTEM } from '../../fhir/systems.ts';
import { createSearchParamRegistry } from '../../fhir/search-parameters.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import { writeAdtMessage, type AdtMessageSpec } from './adt-writer.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';

let db: TestDatabase;
let ctx: IngestContext;

beforeAll(async () => {
  db = await openTestDatabase();
  const definitions = loadDefinitions();
  const repo = new SqlRepository(db.driver, { definitions, registry: createSearchParamRegistry(definitions) });
  ctx = { repo, db: db.driver, profileDirs: [] };
});
afterAll(() => db.drop());

let seq = 0;
function spec(overrides: Partial<AdtMessageSpec> & { mrn?: string; visit?: AdtMessageSpec['visit'] } = {}): AdtMessageSpec {
  const { mrn = 'RK5100001', ...rest } = overrides;
  return {
    event: 'A01', controlId: `CTL${++seq}`, sendingFacility: 'RK5', sent: '20240301103000',
    patient: { mrn, nhsNumber: '9990000018', nhsNumberStatus: '01', family: 'Okafor', given: ['Grace'], birthDate: '19480212', sex: 'F' },
    visit: { number: 'V100', patientClass: 'I', ward: 'WARD7', admitMethod: '21', admitted: '20240301101500', hospital: 'RK5' },
    ...rest,
  };
}

const patientId = (mrn: string) => sourceResourceId('epr-rk5', `patient/${mrn}`, 'Patient');
const encounterId = (visit: string) => sourceResourceId('epr-rk5', `visit/${visit}`, 'Encounter');
const readPatient = (mrn: string) => ctx.repo.read('Patient', patientId(mrn)) as Promise<Patient>;
const readEncounter = (visit: string) => ctx.repo.read('Encounter', encounterId(visit)) as Promise<Encounter>;
const msa = (ack: string) => Hl7Message.parse(ack).getSegment('MSA')!;

describe(`Hl7Ingestor on ${DRIVER_NAME}`, () => {
  it('acknowledges AA an A01 whose patient and encounter are committed, with provenance', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const message = spec({ controlId: 'FIRST-A01' });
    const result = await ingestor.handle(writeAdtMessage(message));
    expect(result.code).toBe('AA');
    expect(result.outcome).toBe('created');
    expect(msa(result.ack).getField(2).toString()).toBe('FIRST-A01');
    const patient = await readPatient('RK5100001');
    expect(patient.meta?.source).toBe('urn:sharedcare:source:epr-rk5');
    expect(patient.identifier).toContainEqual(expect.objectContaining({ system: NHS_NUMBER_SYSTEM, value: '9990000018' }));
    expect(patient.identifier).toContainEqual({ system: 'urn:sharedcare:id:epr-rk5:mrn', value: 'RK5100001' });
    const encounter = await readEncounter('V100');
    expect(encounter).toMatchObject({ status: 'in-progress', subject: { reference: `Patient/${patientId('RK5100001')}` }, period: { start: '2024-03-01T10:15:00+00:00' } });
    expect(encounter.meta?.source).toBe('urn:sharedcare:source:epr-rk5');
    const { rows } = await db.driver.query<{ ack_code: string; ack: string }>("SELECT ack_code, ack FROM hl7_message WHERE control_id = 'FIRST-A01'");
    expect(rows).toEqual([{ ack_code: 'AA', ack: result.ack }]);
    const registry = await db.driver.query<{ record_type: string; local_id: string }>(
      "SELECT record_type, local_id FROM source_record WHERE source = 'epr-rk5' ORDER BY record_type");
    expect(registry.rows).toEqual([{ record_type: 'patient', local_id: 'RK5100001' }, { record_type: 'visit', local_id: 'V100' }]);
    expect((await ingestor.finish()).counts).toMatchObject({ read: 1, created: 1 });
  });

  it('answers a re-sent control id with the original acknowledgement and writes nothing', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const text = writeAdtMessage(spec({ controlId: 'RESEND-1', mrn: 'RK5100002', visit: { number: 'V200', patientClass: 'E', ward: 'ED' } }));
    const first = await ingestor.handle(text);
    const before = await readEncounter('V200');
    const again = await ingestor.handle(text);
    expect(again).toMatchObject({ code: 'AA', duplicate: true, outcome: 'unchanged', ack: first.ack });
    expect((await readEncounter('V200')).meta?.versionId).toBe(before.meta?.versionId);
  });

  it('applies the same content under a new control id as unchanged (no new version)', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const base = spec({ mrn: 'RK5100003', visit: { number: 'V300', patientClass: 'I', ward: 'W1' } });
    await ingestor.handle(writeAdtMessage({ ...base, controlId: 'SAME-1' }));
    const before = await readEncounter('V300');
    const result = await ingestor.handle(writeAdtMessage({ ...base, controlId: 'SAME-2' }));
    expect(result).toMatchObject({ code: 'AA', duplicate: false, outcome: 'unchanged' });
    expect((await readEncounter('V300')).meta?.versionId).toBe(before.meta?.versionId);
  });

  it('refuses an invalid NHS number with AE, quarantines the message and writes nothing', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const message = spec({ controlId: 'BAD-NHS', mrn: 'RK5100004', visit: { number: 'V400', patientClass: 'I' } });
    message.patient = { ...message.patient, nhsNumber: '9990000019' };
    const result = await ingestor.handle(writeAdtMessage(message));
    expect(result.code).toBe('AE');
    const ack = Hl7Message.parse(result.ack);
    expect(ack.getSegment('MSA')!.getField(3).toString()).toMatch(/not a valid NHS number/);
    expect(ack.getSegment('ERR')!.getField(2).toString()).toBe('PID^1^3^2');
    expect(ack.getSegment('ERR')!.getField(3).toString()).toBe('102^Data type error^HL70357');
    expect(result.ack).not.toContain('9990000019');
    await expect(readPatient('RK5100004')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    const [item] = (await new Quarantine(db.driver).list({ channel: 'hl7' })).filter((i) => i.origin === 'PAS^RK5/BAD-NHS');
    expect(item).toMatchObject({ source: 'epr-rk5', kind: 'ADT^A01', reasons: [{ code: 'INGEST_HL7_NHS_NUMBER', location: 'PID-3[2]' }] });
    expect(item!.raw).toContain('9990000019');
    // A re-send gets the same AE and adds no second quarantine item.
    expect((await ingestor.handle(writeAdtMessage(message))).ack).toBe(result.ack);
    expect((await new Quarantine(db.driver).list({ channel: 'hl7' })).filter((i) => i.origin === 'PAS^RK5/BAD-NHS')).toHaveLength(1);
  });

  it('refuses with AR what it does not take: not HL7, another message type, an unsupported event, a test processing id', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const garbage = await ingestor.handle('this is not an HL7 message');
    expect(garbage.code).toBe('AR');
    expect(msa(garbage.ack).getField(2).toString()).toBe('');
    const oru = writeAdtMessage(spec({ controlId: 'ORU-1' })).replace('ADT^A01^ADT_A01', 'ORU^R01^ORU_R01');
    expect(await ingestor.handle(oru)).toMatchObject({ code: 'AR', reasons: [{ code: 'INGEST_HL7_MESSAGE_TYPE' }] });
    const a99 = writeAdtMessage(spec({ controlId: 'A99-1' })).replace('ADT^A01^ADT_A01', 'ADT^A99^ADT_A01');
    expect(await ingestor.handle(a99)).toMatchObject({ code: 'AR', reasons: [{ code: 'INGEST_HL7_EVENT' }] });
    const training = await ingestor.handle(writeAdtMessage({ ...spec({ controlId: 'T-1' }), processingId: 'T' }));
    expect(training).toMatchObject({ code: 'AR', reasons: [{ code: 'INGEST_HL7_PROCESSING_ID' }] });
    const kept = await new Quarantine(db.driver).list({ channel: 'hl7' });
    expect(kept.find((i) => i.origin === 'unparseable')).toMatchObject({ source: 'unknown', kind: 'unknown', raw: 'this is not an HL7 message' });
    expect(kept.find((i) => i.origin === 'PAS^RK5/A99-1')).toMatchObject({ kind: 'ADT^A99' });
    expect(ingestor.report.counts).toMatchObject({ read: 4, quarantined: 4 });
  });

  it('refuses with AE a missing hospital number, visit number or malformed date, naming the field', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const noMrn = writeAdtMessage(spec({ controlId: 'NO-MRN' })).replace('RK5100001^^^RK5^MR~', '');
    expect(await ingestor.handle(noMrn)).toMatchObject({ code: 'AE', reasons: [{ code: 'INGEST_HL7_REQUIRED', location: 'PID-3' }] });
    const noVisit = writeAdtMessage(spec({ controlId: 'NO-VISIT', visit: { number: '', patientClass: 'I' } }));
    expect(await ingestor.handle(noVisit)).toMatchObject({ code: 'AE', reasons: [{ location: 'PV1-19' }] });
    const badDate = writeAdtMessage(spec({ controlId: 'BAD-DOB' })).replace('19480212', '19481345');
    expect(await ingestor.handle(badDate)).toMatchObject({ code: 'AE', reasons: [{ code: 'INGEST_HL7_DATE', location: 'PID-7' }] });
  });

  it('keeps an ingest run per source with the counts of the session', async () => {
    const ingestor = new Hl7Ingestor(ctx, { origin: 'run-test' });
    await ingestor.handle(writeAdtMessage(spec({ mrn: 'RK5100009', visit: { number: 'V900', patientClass: 'O' } })));
    await ingestor.handle(writeAdtMessage({ ...spec({ mrn: 'RXX1' }), sendingFacility: 'RXX' }));
    await ingestor.finish();
    const { rows } = await db.driver.query<{ source: string; counts: { read: number } }>(
      "SELECT source, counts FROM ingest_run WHERE origin = 'run-test' ORDER BY source");
    expect(rows.map((r) => [r.source, r.counts.read])).toEqual([['epr-rk5', 1], ['epr-rxx', 1]]);
  });
});

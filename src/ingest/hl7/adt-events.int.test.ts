// Event semantics through the ingestor on a database: every arrival order of a visit's messages
// gives the same stored Encounter, the newest PID wins whatever arrives last, an A40 merge re-points
// the merged patient's visits in one transaction, and concurrent writers of one visit lose nothing.
import type { Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import type { AdtEvent } from './adt-codes.ts';
import { writeAdtMessage, type AdtMessageSpec, type AdtVisitSpec } from './adt-writer.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';

let db: TestDatabase;
let ctx: IngestContext;

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
});
afterAll(() => db.drop());

let seq = 0;
function message(event: AdtEvent, mrn: string, sent: string, visit?: AdtVisitSpec, more: Partial<AdtMessageSpec> = {}): string {
  return writeAdtMessage({
    event, controlId: `EV${++seq}`, sendingFacility: 'RK5', sent,
    patient: { mrn, nhsNumber: '9990000026', family: 'Begum', given: ['Amina'], birthDate: '19400101', sex: 'F' },
    ...(visit ? { visit } : {}),
    ...more,
  });
}

const patientRef = (mrn: string) => `Patient/${sourceResourceId('epr-rk5', `patient/${mrn}`, 'Patient')}`;
const readPatient = (mrn: string) => ctx.repo.read('Patient', patientRef(mrn).slice(8)) as Promise<Patient>;
const readEncounter = (visit: string) => ctx.repo.read('Encounter', sourceResourceId('epr-rk5', `visit/${visit}`, 'Encounter')) as Promise<Encounter>;

/** What an Encounter says, without what differs by visit number or write. */
function substance(encounter: Encounter): unknown {
  const { id: _id, meta: _meta, identifier: _identifier, ...rest } = encounter;
  return rest;
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

async function send(ingestor: Hl7Ingestor, text: string): Promise<void> {
  const result = await ingestor.handle(text);
  expect(result.code, result.reasons?.[0]?.message).toBe('AA');
}

describe(`ADT event semantics on ${DRIVER_NAME}`, () => {
  it('stores the same Encounter for all 24 arrival orders of A01, A02, A03 and A13', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const stay = (event: AdtEvent, sent: string, extra: Partial<AdtVisitSpec> = {}) => (visit: string) =>
      message(event, 'RK5200001', sent, { number: visit, patientClass: 'I', ward: 'W1', hospital: 'RK5', admitted: '202403011000', ...extra });
    const events = [
      stay('A01', '202403011005'),
      stay('A02', '202403021200', { ward: 'W2', priorWard: 'W1' }),
      stay('A03', '202403051400', { ward: 'W2', discharged: '202403051330', destination: '19' }),
      stay('A13', '202403051500', { ward: 'W2' }),
    ];
    const orders = permutations(events.map((_, i) => i));
    for (const [n, order] of orders.entries()) for (const i of order) await send(ingestor, events[i]!(`PERM${n}`));
    const first = await readEncounter('PERM0');
    expect(first).toMatchObject({ status: 'in-progress', period: { start: '2024-03-01T10:00:00+00:00' } });
    expect(first.location?.map((l) => [l.location.identifier?.value, l.status])).toEqual([['W1', 'completed'], ['W2', 'active']]);
    for (let n = 1; n < orders.length; n++) expect(substance(await readEncounter(`PERM${n}`)), `order ${orders[n]}`).toEqual(substance(first));
  });

  it('an A03 that arrives first makes a finished encounter; the late A01 adds its facts without reopening it', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const visit = { number: 'LATE1', patientClass: 'I', ward: 'W5', hospital: 'RK5' };
    await send(ingestor, message('A03', 'RK5200002', '202404051600', { ...visit, discharged: '202404051530', destination: '54' }));
    expect(await readEncounter('LATE1')).toMatchObject({ status: 'finished', period: { end: '2024-04-05T15:30:00+01:00' } });
    await send(ingestor, message('A01', 'RK5200002', '202404010900', { ...visit, admitted: '202404010845', admitMethod: '21' }));
    const late = await readEncounter('LATE1');
    expect(late).toMatchObject({ status: 'finished', period: { start: '2024-04-01T08:45:00+01:00', end: '2024-04-05T15:30:00+01:00' } });
    expect(late.hospitalization?.extension?.[0]?.valueCodeableConcept?.coding?.[0]?.code).toBe('21');
  });

  it('takes demographics from the newest event, whatever arrives last', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const renamed = message('A08', 'RK5200003', '202405011200', undefined, {});
    await send(ingestor, renamed.replace('Begum^Amina', 'Khan^Amina'));
    await send(ingestor, message('A01', 'RK5200003', '202404011200', { number: 'DEMO1', patientClass: 'I' }));
    const patient = await readPatient('RK5200003');
    expect(patient.name?.[0]?.family).toBe('Khan');
    expect((await readEncounter('DEMO1')).subject?.reference).toBe(patientRef('RK5200003'));
  });

  it('gives the Patient no new version for visit messages that repeat its details', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const visit = { number: 'QUIET1', patientClass: 'I', ward: 'W1' };
    await send(ingestor, message('A01', 'RK5200007', '202405011000', visit));
    await send(ingestor, message('A02', 'RK5200007', '202405011200', { ...visit, ward: 'W2' }));
    await send(ingestor, message('A03', 'RK5200007', '202405031000', { ...visit, ward: 'W2' }));
    expect((await readPatient('RK5200007')).meta?.versionId).toBe('1');
    expect((await readEncounter('QUIET1')).meta?.versionId).toBe('3');
  });

  it('does not let a late message undo a change that was reverted, even when the revert only repeated the old details', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    const visit = { number: 'REVERT1', patientClass: 'I', ward: 'W1' };
    await send(ingestor, message('A01', 'RK5200008', '202405011000', visit));
    await send(ingestor, message('A03', 'RK5200008', '202405031000', visit));
    // A name change at 2 May that was undone by 3 May arrives last.
    await send(ingestor, message('A08', 'RK5200008', '202405021000').replace('Begum^Amina', 'Wrong^Amina'));
    expect((await readPatient('RK5200008')).name?.[0]?.family).toBe('Begum');
  });

  it('A40 merges: the old patient becomes inactive and replaced-by the survivor, and its visits follow', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    await send(ingestor, message('A01', 'TEMP01', '202406011000', { number: 'MV1', patientClass: 'E', ward: 'ED' }));
    await send(ingestor, message('A04', 'TEMP01', '202406021000', { number: 'MV2', patientClass: 'E', ward: 'ED' }));
    await send(ingestor, message('A04', 'RK5200004', '202406031000', { number: 'MV3', patientClass: 'E', ward: 'ED' }));
    await send(ingestor, message('A40', 'RK5200004', '202406041000', undefined, { mergedMrn: 'TEMP01' }));
    const old = await readPatient('TEMP01');
    expect(old.active).toBe(false);
    expect(old.link).toEqual([{ other: { reference: patientRef('RK5200004') }, type: 'replaced-by' }]);
    expect((await readPatient('RK5200004')).link).toEqual([{ other: { reference: patientRef('TEMP01') }, type: 'replaces' }]);
    for (const visit of ['MV1', 'MV2', 'MV3']) expect((await readEncounter(visit)).subject?.reference).toBe(patientRef('RK5200004'));
    // A message about the old hospital number after the merge still lands on the survivor.
    await send(ingestor, message('A03', 'TEMP01', '202406011800', { number: 'MV1', patientClass: 'E', ward: 'ED' }));
    expect(await readEncounter('MV1')).toMatchObject({ status: 'finished', subject: { reference: patientRef('RK5200004') } });
    expect((await readPatient('TEMP01')).active).toBe(false);
  });

  it('A40 before anything about the merged patient: later visits of the old number go to the survivor', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    await send(ingestor, message('A40', 'RK5200005', '202407011000', undefined, { mergedMrn: 'TEMP02' }));
    expect(await readPatient('TEMP02')).toMatchObject({ active: false, identifier: [{ value: 'TEMP02' }] });
    await send(ingestor, message('A04', 'TEMP02', '202406301000', { number: 'MV4', patientClass: 'E' }));
    expect((await readEncounter('MV4')).subject?.reference).toBe(patientRef('RK5200005'));
    // The old patient's own older PID fills in their details but not their merged state.
    expect(await readPatient('TEMP02')).toMatchObject({ active: false, name: [{ family: 'Begum' }] });
  });

  it('refuses a merge that would make a loop, and changes nothing', async () => {
    const ingestor = new Hl7Ingestor(ctx);
    await send(ingestor, message('A01', 'LOOPA', '202408011000', { number: 'LV1', patientClass: 'I' }));
    await send(ingestor, message('A40', 'LOOPB', '202408021000', undefined, { mergedMrn: 'LOOPA' }));
    const before = await readEncounter('LV1');
    const result = await ingestor.handle(message('A40', 'LOOPA', '202408031000', undefined, { mergedMrn: 'LOOPB' }));
    expect(result).toMatchObject({ code: 'AE', reasons: [{ code: 'INGEST_HL7_MERGE' }] });
    expect((await readPatient('LOOPB')).active).toBe(true);
    expect((await readEncounter('LV1')).meta?.versionId).toBe(before.meta?.versionId);
  });

  it('loses nothing when messages about one visit are applied concurrently', async () => {
    const visit = { number: 'CONC1', patientClass: 'I', ward: 'W1' };
    const texts = [
      message('A01', 'RK5200006', '202409011000', visit),
      message('A02', 'RK5200006', '202409011200', { ...visit, ward: 'W2' }),
      message('A02', 'RK5200006', '202409011300', { ...visit, ward: 'W3' }),
      message('A03', 'RK5200006', '202409021000', { ...visit, ward: 'W3', destination: '19' }),
    ];
    const results = await Promise.all(texts.map((text) => new Hl7Ingestor(ctx).handle(text)));
    expect(results.map((r) => r.code)).toEqual(['AA', 'AA', 'AA', 'AA']);
    const encounter = await readEncounter('CONC1');
    expect(encounter.status).toBe('finished');
    expect(encounter.location?.map((l) => l.location.identifier?.value)).toEqual(['W1', 'W2', 'W3']);
  });
});

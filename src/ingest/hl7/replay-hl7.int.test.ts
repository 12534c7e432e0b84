// Replaying a quarantined HL7 message: applied once what refused it is fixed (and a re-send then
// gets AA), or the reasons it still fails, with nothing written and nothing quarantined twice.
import { Hl7Message } from '@medplum/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import { writeAdtMessage } from './adt-writer.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';
import { replayHl7 } from './replay-hl7.ts';

let db: TestDatabase;
let ctx: IngestContext;

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
});
afterAll(() => db.drop());

const message = (controlId: string, nhsNumber: string) => writeAdtMessage({
  event: 'A01', controlId, sendingFacility: 'RK5', sent: '20241001090000',
  patient: { mrn: `M-${controlId}`, nhsNumber, family: 'Ali', given: ['Sara'], birthDate: '19900101', sex: 'F' },
  visit: { number: `V-${controlId}`, patientClass: 'I', ward: 'W1' },
});

async function quarantined(origin: string) {
  return (await new Quarantine(db.driver).list({ channel: 'hl7' })).find((i) => i.origin === origin)!;
}

describe(`replayHl7 on ${DRIVER_NAME}`, () => {
  it('applies a message refused under a setting since changed, and a re-send then gets AA', async () => {
    // This deployment accepted only training messages (T) when a production one arrived.
    const refused = await new Hl7Ingestor(ctx, { processingIds: ['T'] }).handle(message('R1', '9990000018'));
    expect(refused.code).toBe('AR');
    const item = await quarantined('PAS^RK5/R1');
    expect(await replayHl7(item, ctx)).toBeUndefined();
    await expect(ctx.repo.read('Encounter', sourceResourceId('epr-rk5', 'visit/V-R1', 'Encounter'))).resolves.toMatchObject({ status: 'in-progress' });
    const again = await new Hl7Ingestor(ctx).handle(message('R1', '9990000018'));
    expect(again).toMatchObject({ code: 'AA', duplicate: true });
    expect(Hl7Message.parse(again.ack).getSegment('MSA')!.getField(2).toString()).toBe('R1');
  });

  it('returns the reasons a message still fails for, writing nothing and adding no quarantine item', async () => {
    await new Hl7Ingestor(ctx).handle(message('R2', '9990000019'));
    const item = await quarantined('PAS^RK5/R2');
    const before = (await new Quarantine(db.driver).list({ channel: 'hl7' })).length;
    expect(await replayHl7(item, ctx)).toEqual([expect.objectContaining({ code: 'INGEST_HL7_NHS_NUMBER', location: 'PID-3[2]' })]);
    await expect(ctx.repo.read('Patient', sourceResourceId('epr-rk5', 'patient/M-R2', 'Patient'))).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    expect((await new Quarantine(db.driver).list({ channel: 'hl7' })).length).toBe(before);
  });
});

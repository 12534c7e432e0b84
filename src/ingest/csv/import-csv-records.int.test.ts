// A council's extract set in the generic profile: records naming each other (contacts, allocations
// with their team and workers, cases, events), rows naming records never sent kept back until replay,
// and full extracts ending, flagging or keeping records no longer sent — on PGlite and PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CareTeam, EpisodeOfCare, Patient, PractitionerRole, Task } from '@medplum/fhirtypes';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceReference, sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import { importCsv, type ImportCsvOptions } from './import-csv.ts';
import { MISSING_TAG } from './missing-rule.ts';
import { replayCsv } from './replay-csv.ts';
import { SHIPPED_PROFILES_DIR } from './profile.ts';

const SHIPPED = SHIPPED_PROFILES_DIR;
const SOURCE = 'carefirst-testshire';

let db: TestDatabase;
let repo: SqlRepository;
let ctx: IngestContext;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  dir = mkdtempSync(join(tmpdir(), 'sharedcare-csv-records-'));
  ctx = { repo, db: db.driver, profileDirs: [SHIPPED] };
});
afterAll(() => db.drop());

function load(name: string, rows: Array<Record<string, string>>, options: Partial<ImportCsvOptions> = {}) {
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const path = join(dir, name);
  writeFileSync(path, stringify([header, ...rows.map((r) => header.map((h) => r[h] ?? ''))]));
  return importCsv(ctx, path, { source: SOURCE, profile: 'generic', ...options });
}

const person = (clientId: string, familyName = 'Hall') => ({ clientId, givenName1: 'Jo', familyName, gender: 'female', birthDate: '1940-04-04' });
const read = <T>(type: string, key: string) => repo.read(type, sourceResourceId(SOURCE, key, type)) as Promise<T>;

describe(`records that name each other, on ${DRIVER_NAME}`, () => {
  it('builds the allocated team, its workers and the case, with references between them', async () => {
    expect((await load('person.csv', [person('P1'), person('P2')])).report.counts.created).toBe(2);
    expect((await load('contact.csv', [{ contactId: 'K1', personId: 'P1', contactType: 'carer', primary: 'Y', relationship: 'DAU', familyName: 'Hall' }]))
      .report.counts.created).toBe(1);
    const allocation = await load('allocation.csv', [{ allocationId: 'A1', personId: 'P1', teamId: 'T1', teamName: 'North Locality Team', teamPhone: '0115 496 0001',
      workerId: 'W1', workerGivenName: 'Priya', workerFamilyName: 'Shah', workerJobTitle: 'Social Worker', workerProfession: '106328005',
      managerId: 'W0', managerFamilyName: 'Boss', managerRole: 'team-manager', startDate: '2024-01-10', carerContactIds: 'K1', laCode: 'E10000024' }]);
    expect(allocation.report.counts).toMatchObject({ read: 1, created: 1 });
    const careTeam = await read<CareTeam>('CareTeam', 'allocation/A1');
    expect(careTeam.participant?.map((p) => p.member?.reference)).toEqual([
      sourceReference(SOURCE, 'worker/W1', 'PractitionerRole'), sourceReference(SOURCE, 'worker/W0', 'PractitionerRole'), sourceReference(SOURCE, 'contact/K1', 'RelatedPerson')]);
    const role = await read<PractitionerRole>('PractitionerRole', 'worker/W1');
    expect(role).toMatchObject({ organization: { reference: sourceReference(SOURCE, 'team/T1', 'Organization') }, code: [{ text: 'Social Worker' }] });

    const episode = await load('episode.csv', [{ caseNumber: 'C1', personId: 'P1', episodeType: 'adult-social-care', startDate: '2024-01-10',
      allocationId: 'A1', careManagerId: 'W1', supportReason: 'MHS', supportReasonRecordedBy: 'W1' }]);
    expect(episode.report.counts.created).toBe(1);
    expect(await read<EpisodeOfCare>('EpisodeOfCare', 'episode/C1')).toMatchObject({ status: 'active', team: [{ reference: `CareTeam/${careTeam.id}` }] });
  });

  it('keeps back rows naming a record the source never sent, naming the column; a replay applies them once it arrives', async () => {
    const events = await load('event.csv', [
      { eventId: 'E1', personId: 'P1', caseNumber: 'C1', eventType: 'review', status: 'completed', startDate: '2024-06-01', teamId: 'T1' },
      { eventId: 'E2', personId: 'P9', eventType: 'request', status: 'completed', startDate: '2024-06-02' },
      { eventId: 'E3', personId: 'P2', caseNumber: 'C9', eventType: 'request', requesterType: 'contact', requesterId: 'K9' },
    ]);
    expect(events.report.counts).toMatchObject({ read: 3, created: 1, quarantined: 2 });
    const open = await new Quarantine(db.driver).list({ source: SOURCE });
    const byId = (id: string) => open.find((i) => JSON.parse(i.raw).eventId === id)!;
    expect(byId('E2').reasons).toEqual([{ code: 'INGEST_CSV_REFERENCE', message: expect.stringMatching(/No person 'P9'/), location: 'personId' }]);
    expect(byId('E3').reasons.map((r) => r.location)).toEqual(['caseNumber', 'requesterId']);

    expect(await replayCsv(byId('E2'), ctx)).toEqual([expect.objectContaining({ code: 'INGEST_CSV_REFERENCE' })]);
    await load('person-late.csv', [person('P9')]);
    expect(await replayCsv(byId('E2'), ctx)).toBeUndefined();
    expect(await read<Task>('Task', 'event/E2')).toMatchObject({ status: 'completed', for: { reference: sourceReference(SOURCE, 'person/P9', 'Patient') } });
  });
});

describe(`full extracts, on ${DRIVER_NAME}`, () => {
  const full = (name: string, rows: Array<Record<string, string>>, missingRule: 'end' | 'flag' | 'keep', source: string) =>
    load(name, rows, { source, mode: 'full', missingRule });
  const patient = (source: string, id: string) => repo.read('Patient', sourceResourceId(source, `person/${id}`, 'Patient')) as Promise<Patient>;

  it('end: records missing from the extract are closed, never deleted; a quarantined row is not "missing"', async () => {
    const source = 'full-end';
    await full('p1.csv', [person('A'), person('B'), person('C'), person('D')], 'end', source);
    const second = await full('p2.csv', [person('A'), person('B'), { ...person('D'), birthDate: 'not a date' }], 'end', source);
    expect(second.report.counts).toMatchObject({ read: 3, unchanged: 2, quarantined: 1, missing: 1 });
    expect((await patient(source, 'C')).active).toBe(false);
    expect((await patient(source, 'D')).active).toBe(true);
    // Counted once: a third identical extract finds nothing newly missing.
    expect((await full('p2.csv', [person('A'), person('B'), { ...person('D'), birthDate: 'not a date' }], 'end', source)).report.counts.missing).toBe(0);
    // Sent again, the record comes back as it was sent.
    const back = await full('p3.csv', [person('A'), person('B'), person('C'), person('D')], 'end', source);
    expect(back.report.counts).toMatchObject({ updated: 1, unchanged: 3, missing: 0 });
    expect((await patient(source, 'C')).active).toBe(true);
  });

  it('flag: missing records stay active with a tag, which goes when they come back', async () => {
    const source = 'full-flag';
    await full('f1.csv', [person('A'), person('B')], 'flag', source);
    expect((await full('f2.csv', [person('A')], 'flag', source)).report.counts.missing).toBe(1);
    const flagged = await patient(source, 'B');
    expect(flagged.active).toBe(true);
    expect(flagged.meta?.tag).toContainEqual(expect.objectContaining({ system: MISSING_TAG.system, code: MISSING_TAG.code }));
    await full('f3.csv', [person('A'), person('B')], 'flag', source);
    expect((await patient(source, 'B')).meta?.tag ?? []).toEqual([]);
  });

  it('keep: missing records are only counted; incremental loads never look for them', async () => {
    const source = 'full-keep';
    await full('k1.csv', [person('A'), person('B')], 'keep', source);
    const before = await patient(source, 'B');
    expect((await full('k2.csv', [person('A')], 'keep', source)).report.counts.missing).toBe(1);
    expect((await patient(source, 'B')).meta?.versionId).toBe(before.meta?.versionId);
    expect((await load('k3.csv', [person('A')], { source })).report.counts.missing).toBe(0);
  });
});

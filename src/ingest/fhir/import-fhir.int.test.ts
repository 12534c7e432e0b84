// FHIR in, against a real database on both drivers: NDJSON and Bundles, with and without a source,
// reference rewriting, idempotent re-imports, transactions, the quarantine and replays.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { FhirError } from '../../fhir/errors.ts';
import type { Repository } from '../../store/repository.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine, type QuarantinedItem } from '../quarantine.ts';
import { UNSOURCED } from './fhir-importer.ts';
import { importBundle, importFhir } from './import-fhir.ts';
import { replayFhir } from './replay-fhir.ts';

let db: TestDatabase;
let repo: SqlRepository;
let ctx: IngestContext;
let dir: string;
let quarantine: Quarantine;

const noTransactions = async (): Promise<Bundle> => {
  throw new Error('no transaction expected');
};

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  ctx = { repo, db: db.driver, profileDirs: [] };
  quarantine = new Quarantine(db.driver);
  dir = mkdtempSync(join(tmpdir(), 'sharedcare-fhir-in-'));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function file(name: string, content: string | Buffer): string {
  const path = join(dir, `${++files}-${name}`);
  writeFileSync(path, content);
  return path;
}
const ndjson = (...resources: unknown[]) => resources.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const patient = (id: string | undefined, family: string): Patient => ({ resourceType: 'Patient', ...(id ? { id } : {}), name: [{ family }] });
const observation = (id: string | undefined, subject: string, extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation', ...(id ? { id } : {}), status: 'final', code: { text: 'weight' }, subject: { reference: subject }, ...extra,
});
const stamped = (source: string, key: string) => sourceResourceId(source, key, key.split('/')[0]!);

async function items(source: string): Promise<QuarantinedItem[]> {
  return quarantine.list({ source, channel: 'fhir', limit: 1000 });
}

describe(`FHIR NDJSON without a source on ${DRIVER_NAME}`, () => {
  it('keeps the ids, counts every line, and a re-import changes nothing', async () => {
    const path = file('plain.ndjson', ndjson(patient('nd-p1', 'Plain'), '', observation('nd-o1', 'Patient/nd-p1'), patient('nd-p2', 'Other')));
    const first = await importFhir(ctx, path, { runTransaction: noTransactions });
    expect(first.report.counts).toMatchObject({ read: 3, created: 3, updated: 0, unchanged: 0, quarantined: 0 });
    expect(first.source).toBe(UNSOURCED);
    expect(((await repo.read('Observation', 'nd-o1')) as Observation).subject?.reference).toBe('Patient/nd-p1');
    const again = await importFhir(ctx, path, { runTransaction: noTransactions });
    expect(again.report.counts).toMatchObject({ read: 3, created: 0, updated: 0, unchanged: 3 });
    expect((await repo.read('Patient', 'nd-p1')).meta?.versionId).toBe('1');
    const { rows } = await db.driver.query<{ channel: string; counts: { read: number }; finished_at: string | null }>(
      'SELECT channel, counts, finished_at::text FROM ingest_run WHERE id = $1::bigint', [again.runId]);
    expect(rows[0]).toMatchObject({ channel: 'fhir', counts: { read: 3, unchanged: 3 } });
    expect(rows[0]!.finished_at).not.toBeNull();
  });

  it('updates a changed resource and ignores the exporting server\'s meta', async () => {
    const path = file('meta.ndjson', ndjson({ ...patient('nd-meta', 'Before'), meta: { versionId: '7', lastUpdated: '2001-01-01T00:00:00Z' } }));
    await importFhir(ctx, path, { runTransaction: noTransactions });
    const changed = file('meta2.ndjson', ndjson({ ...patient('nd-meta', 'After'), meta: { versionId: '8' } }));
    expect((await importFhir(ctx, changed, { runTransaction: noTransactions })).report.counts).toMatchObject({ read: 1, updated: 1 });
    const stored = await repo.read('Patient', 'nd-meta');
    expect([stored.meta?.versionId, (stored as Patient).name?.[0]?.family]).toEqual(['2', 'After']);
  });

  it('quarantines bad lines with their reasons, locations and origins, and applies the rest', async () => {
    const bad = [
      '{"resourceType": "Patient", "id": "nd-bad-json"',
      JSON.stringify({ resourceType: 'Spaceship', id: 'x' }),
      JSON.stringify({ resourceType: 'Observation', id: 'nd-bad-obs', code: { text: 'no status' } }),
      JSON.stringify(patient(undefined, 'NoId')),
      JSON.stringify({ resourceType: 'Patient', id: 'has spaces' }),
      '[1, 2]',
    ];
    const path = file('bad.ndjson', ndjson(patient('nd-good', 'Good'), ...bad));
    const { report } = await importFhir(ctx, path, { runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 7, created: 1, quarantined: 6 });
    expect(report.balanced()).toBe(true);
    const found = (await items(UNSOURCED)).filter((i) => i.origin.includes('-bad.ndjson:'));
    const byLine = new Map(found.map((i) => [Number(i.origin.split(':').pop()), i]));
    expect([...byLine.keys()].sort()).toEqual([2, 3, 4, 5, 6, 7]);
    expect(byLine.get(2)).toMatchObject({ kind: 'unknown', raw: bad[0], reasons: [{ code: 'INGEST_FHIR_JSON', message: 'The text is not valid JSON' }] });
    expect(byLine.get(3)).toMatchObject({ kind: 'unknown', reasons: [{ code: 'INGEST_FHIR_TYPE', location: 'resourceType' }] });
    const obs = byLine.get(4)!;
    expect(obs.kind).toBe('Observation');
    expect(obs.reasons.map((r) => r.location)).toContain('Observation.status');
    expect(byLine.get(5)).toMatchObject({ kind: 'Patient', reasons: [{ code: 'INGEST_FHIR_NO_ID', message: 'The resource needs an id or a --source' }] });
    expect(byLine.get(6)).toMatchObject({ kind: 'Patient', reasons: [{ code: 'INGEST_FHIR_ID' }] });
    expect(byLine.get(7)).toMatchObject({ kind: 'unknown', reasons: [{ code: 'INGEST_FHIR_JSON' }] });
    // Importing the same bad file again adds no duplicate items.
    await importFhir(ctx, path, { runTransaction: noTransactions });
    expect((await items(UNSOURCED)).filter((i) => i.origin.includes('-bad.ndjson:'))).toHaveLength(6);
  });
});

describe(`FHIR from a named source on ${DRIVER_NAME}`, () => {
  const source = 'gp-alpha';

  it('stamps stable ids, keeps the original id as an identifier and follows references, forward ones included', async () => {
    const path = file('gp.ndjson', ndjson(observation('o1', 'Patient/p1'), patient('p1', 'Alpha'), observation('o2', 'Patient/not-in-source')));
    const { report } = await importFhir(ctx, path, { source, runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 3, created: 3 });
    const p = (await repo.read('Patient', stamped(source, 'Patient/p1'))) as Patient;
    expect(p.meta?.source).toBe('urn:sharedcare:source:gp-alpha');
    expect(p.identifier).toContainEqual({ system: 'urn:sharedcare:id:gp-alpha:patient', value: 'p1' });
    const o1 = (await repo.read('Observation', stamped(source, 'Observation/o1'))) as Observation;
    expect(o1.subject?.reference).toBe(`Patient/${p.id}`);
    // A reference to something this source never sent is left as it was.
    const o2 = (await repo.read('Observation', stamped(source, 'Observation/o2'))) as Observation;
    expect(o2.subject?.reference).toBe('Patient/not-in-source');
    expect((await importFhir(ctx, path, { source, runTransaction: noTransactions })).report.counts).toMatchObject({ read: 3, unchanged: 3 });
  });

  it('follows references to resources the source sent in an earlier import', async () => {
    const path = file('gp-later.ndjson', ndjson(observation('o3', 'Patient/p1')));
    await importFhir(ctx, path, { source, runTransaction: noTransactions });
    const o3 = (await repo.read('Observation', stamped(source, 'Observation/o3'))) as Observation;
    expect(o3.subject?.reference).toBe(`Patient/${stamped(source, 'Patient/p1')}`);
  });

  it('gives the same resource a different id from another source', async () => {
    const path = file('gp-beta.ndjson', ndjson(patient('p1', 'Beta')));
    await importFhir(ctx, path, { source: 'gp-beta', runTransaction: noTransactions });
    expect(stamped('gp-beta', 'Patient/p1')).not.toBe(stamped(source, 'Patient/p1'));
    expect(((await repo.read('Patient', stamped('gp-beta', 'Patient/p1'))) as Patient).name?.[0]?.family).toBe('Beta');
  });

  it('reads a stream twice through a temporary copy, so forward references still resolve', async () => {
    const stream = Readable.from([ndjson(observation('s-o1', 'Patient/s-p1')), '\n', ndjson(patient('s-p1', 'Streamed'))]);
    const { report } = await importFhir(ctx, stream, { source: 'gp-stream', format: 'ndjson', name: 'upload.ndjson', runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 2, created: 2 });
    const o = (await repo.read('Observation', stamped('gp-stream', 'Observation/s-o1'))) as Observation;
    expect(o.subject?.reference).toBe(`Patient/${stamped('gp-stream', 'Patient/s-p1')}`);
  });

  it('refuses a malformed or reserved source, and a stream without its format', async () => {
    const path = file('x.ndjson', ndjson(patient('x', 'X')));
    await expect(importFhir(ctx, path, { source: 'Not Valid', runTransaction: noTransactions })).rejects.toMatchObject({ code: 'INGEST_SOURCE_INVALID' });
    await expect(importFhir(ctx, path, { source: UNSOURCED, runTransaction: noTransactions })).rejects.toMatchObject({ code: 'INGEST_SOURCE_RESERVED' });
    await expect(importFhir(ctx, Readable.from(['{}']), { runTransaction: noTransactions })).rejects.toMatchObject({ code: 'INGEST_FHIR_FORMAT' });
    await expect(importFhir(ctx, join(dir, 'missing.ndjson'), { runTransaction: noTransactions })).rejects.toMatchObject({ code: 'INGEST_FHIR_PATH' });
  });
});

describe(`FHIR Bundles on ${DRIVER_NAME}`, () => {
  const P = 'urn:uuid:0c3f5a1e-0000-4000-8000-000000000001';
  const O = 'urn:uuid:0c3f5a1e-0000-4000-8000-000000000002';

  it('resolves urn:uuid fullUrls in a collection from a source, ids or not', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { fullUrl: O, resource: observation(undefined, P) },
        { fullUrl: P, resource: patient(undefined, 'Uuid') },
      ],
    };
    const { report } = await importFhir(ctx, file('collection.json', JSON.stringify(bundle)), { source: 'gp-bundle', runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 2, created: 2 });
    const patientId = stamped('gp-bundle', `Patient/${P}`);
    const o = (await repo.read('Observation', stamped('gp-bundle', `Observation/${O}`))) as Observation;
    expect(o.subject?.reference).toBe(`Patient/${patientId}`);
    // No original id, so no source identifier.
    expect(((await repo.read('Patient', patientId)) as Patient).identifier).toBeUndefined();
  });

  it('without a source, keeps ids, resolves fullUrls to them, and quarantines entries without ids by entry', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { fullUrl: 'http://old.example/fhir/Patient/b-p1', resource: patient('b-p1', 'Kept') },
        { fullUrl: O, resource: observation('b-o1', 'http://old.example/fhir/Patient/b-p1') },
        { fullUrl: P, resource: patient(undefined, 'NoId') },
        { resource: observation('b-o2', 'urn:uuid:0c3f5a1e-0000-4000-8000-00000000ffff') },
      ],
    };
    const { report } = await importFhir(ctx, file('plain-collection.json', JSON.stringify(bundle)), { runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 4, created: 2, quarantined: 2 });
    expect(((await repo.read('Observation', 'b-o1')) as Observation).subject?.reference).toBe('Patient/b-p1');
    const found = (await items(UNSOURCED)).filter((i) => i.origin.includes('-plain-collection.json#'));
    expect(found.map((i) => [i.origin.split('#')[1], i.kind, i.profile, i.reasons[0]!.code])).toEqual([
      ['entry[2]', 'Patient', 'entry', 'INGEST_FHIR_NO_ID'],
      ['entry[3]', 'Observation', 'entry', 'INGEST_FHIR_REFERENCE'],
    ]);
    expect(found[1]!.reasons[0]!.location).toBe('Observation.subject.reference');
    expect(JSON.parse(found[0]!.raw)).toEqual({ fullUrl: P, resource: patient(undefined, 'NoId') });
  });

  it('applies POST and PUT entries of a batch on their own merits and quarantines other methods', async () => {
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'batch',
      entry: [
        { resource: patient(undefined, 'PutFromUrl'), request: { method: 'PUT', url: 'Patient/batch-p1' } },
        { request: { method: 'DELETE', url: 'Patient/batch-p1' } },
        { resource: patient('batch-p2', 'Wrong'), request: { method: 'PUT', url: 'Patient/other-id' } },
      ],
    };
    const { report } = await importFhir(ctx, file('batch.json', JSON.stringify(bundle)), { runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 3, created: 1, quarantined: 2 });
    expect(((await repo.read('Patient', 'batch-p1')) as Patient).name?.[0]?.family).toBe('PutFromUrl');
  });

  it('runs a transaction whole through runTransaction and counts its entries', async () => {
    const sent: Bundle[] = [];
    const runTransaction = async (b: Bundle): Promise<Bundle> => {
      sent.push(b);
      return { resourceType: 'Bundle', type: 'transaction-response', entry: [{ response: { status: '201 Created' } }, { response: { status: '200 OK' } }] };
    };
    const bundle: Bundle = {
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: P, resource: patient(undefined, 'Tx'), request: { method: 'POST', url: 'Patient' } },
        { resource: patient('tx-2', 'Tx2'), request: { method: 'PUT', url: 'Patient/tx-2' } },
      ],
    };
    const { report } = await importBundle(ctx, bundle, { source: 'gp-tx', runTransaction });
    expect(report.counts).toMatchObject({ read: 2, created: 1, updated: 1, quarantined: 0 });
    expect(sent[0]!.entry!.map((e) => e.resource?.meta?.source)).toEqual(['urn:sharedcare:source:gp-tx', 'urn:sharedcare:source:gp-tx']);
  });

  it('quarantines a refused transaction whole, with its OperationOutcome issues, and replays it later', async () => {
    let refuse = true;
    const runTransaction = async (b: Bundle): Promise<Bundle> => {
      if (refuse) throw new FhirError('invalid', 'BUNDLE_UNRESOLVED_REFERENCE', 'Bundle.entry[1]: nothing matches', ['Bundle.entry[1]']);
      return { resourceType: 'Bundle', type: 'transaction-response', entry: (b.entry ?? []).map(() => ({ response: { status: '201' } })) };
    };
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: [
      { resource: patient(undefined, 'Refused'), request: { method: 'POST', url: 'Patient' } },
      { resource: observation(undefined, 'Patient?identifier=x|1'), request: { method: 'POST', url: 'Observation' } },
    ] };
    const path = file('tx-refused.json', JSON.stringify(bundle));
    const { report } = await importFhir(ctx, path, { source: 'gp-tx-refused', runTransaction });
    expect(report.counts).toMatchObject({ read: 2, quarantined: 2 });
    const [item] = await items('gp-tx-refused');
    expect(item).toMatchObject({ kind: 'Bundle', profile: 'bundle', reasons: [{ code: 'BUNDLE_UNRESOLVED_REFERENCE', location: 'Bundle.entry[1]' }] });
    expect(JSON.parse(item!.raw)).toEqual(bundle);
    expect(await replayFhir(item!, ctx)).toEqual([expect.objectContaining({ code: 'INGEST_FHIR_TRANSACTION' })]);
    expect(await replayFhir(item!, { ...ctx, runTransaction } as IngestContext)).toEqual([expect.objectContaining({ code: 'BUNDLE_UNRESOLVED_REFERENCE' })]);
    refuse = false;
    expect(await replayFhir(item!, { ...ctx, runTransaction } as IngestContext)).toBeUndefined();
  });

  it('quarantines a Bundle type it does not import, and an unparseable file whole', async () => {
    const history = file('history.json', JSON.stringify({ resourceType: 'Bundle', type: 'history', entry: [] }));
    const broken = file('broken.json', '{"resourceType": "Bundle", ');
    const { report } = await importFhir(ctx, [history, broken], { source: 'gp-odd', runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 2, quarantined: 2 });
    expect((await items('gp-odd')).map((i) => [i.kind, i.reasons[0]!.code])).toEqual([['Bundle', 'INGEST_FHIR_BUNDLE_TYPE'], ['unknown', 'INGEST_FHIR_JSON']]);
  });

  it('imports every .json, .ndjson and .ndjson.gz file under a folder, and a lone resource file', async () => {
    const folder = join(dir, 'export');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    writeFileSync(join(folder, 'Patient.ndjson'), ndjson(patient('f-p1', 'Folder')));
    writeFileSync(join(folder, 'nested', 'Observation.ndjson.gz'), gzipSync(ndjson(observation('f-o1', 'Patient/f-p1'))));
    writeFileSync(join(folder, 'lone.json'), JSON.stringify(patient('f-p2', 'Lone')));
    writeFileSync(join(folder, 'README.txt'), 'not FHIR');
    const { report } = await importFhir(ctx, folder, { source: 'gp-folder', runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 3, created: 3, quarantined: 0 });
    const o = (await repo.read('Observation', stamped('gp-folder', 'Observation/f-o1'))) as Observation;
    expect(o.subject?.reference).toBe(`Patient/${stamped('gp-folder', 'Patient/f-p1')}`);
  });
});

/** A repository that refuses any write containing the resource with `badId`, as a store conflict would. */
function refusingRepo(inner: Repository, badId: string): Repository {
  const wrap = (r: Repository): Repository => new Proxy(r, {
    get(target, prop, receiver) {
      if (prop === 'putMany') {
        return async (resources: Resource[]) => {
          const i = resources.findIndex((x) => x.id === badId);
          if (i >= 0) {
            const err = new FhirError('conflict', 'TEST_REFUSED', 'refused by the test store');
            err.entryIndex = i;
            throw err;
          }
          return target.putMany(resources);
        };
      }
      if (prop === 'transaction') return (fn: Parameters<Repository['transaction']>[0]) => target.transaction((tx, sql) => fn(wrap(tx), sql));
      return Reflect.get(target, prop, receiver);
    },
  });
  return wrap(inner);
}

describe(`batches and replays on ${DRIVER_NAME}`, () => {
  it('retries a refused batch one by one, so only the refused resource is quarantined, and replays it', async () => {
    const refusing: IngestContext = { ...ctx, repo: refusingRepo(repo, 'rb-2') };
    const path = file('refused-batch.ndjson', ndjson(patient('rb-1', 'One'), patient('rb-2', 'Two'), patient('rb-3', 'Three')));
    const { report } = await importFhir(refusing, path, { runTransaction: noTransactions });
    expect(report.counts).toMatchObject({ read: 3, created: 2, quarantined: 1 });
    const [item] = (await items(UNSOURCED)).filter((i) => i.origin.includes('-refused-batch.ndjson'));
    expect(item).toMatchObject({ kind: 'Patient', origin: expect.stringMatching(/:2$/), reasons: [{ code: 'TEST_REFUSED' }] });
    await expect(repo.read('Patient', 'rb-2')).rejects.toMatchObject({ category: 'not-found' });
    // Still refused by the same store; applied once the store accepts it.
    expect(await replayFhir(item!, refusing)).toEqual([expect.objectContaining({ code: 'TEST_REFUSED' })]);
    expect(await replayFhir(item!, ctx)).toBeUndefined();
    expect(((await repo.read('Patient', 'rb-2')) as Patient).name?.[0]?.family).toBe('Two');
  });

  it('replays a Bundle entry from a source with the same stamping, and an invalid line fails again', async () => {
    const refusing: IngestContext = { ...ctx, repo: refusingRepo(repo, stamped('gp-replay', 'Patient/rp-1')) };
    const bundle: Bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ fullUrl: 'urn:uuid:0c3f5a1e-0000-4000-8000-0000000000aa', resource: patient('rp-1', 'Replayed') }] };
    await importFhir(refusing, file('replay.json', JSON.stringify(bundle)), { source: 'gp-replay', runTransaction: noTransactions });
    const [item] = await items('gp-replay');
    expect(item!.profile).toBe('entry');
    expect(await replayFhir(item!, ctx)).toBeUndefined();
    const stored = (await repo.read('Patient', stamped('gp-replay', 'Patient/rp-1'))) as Patient;
    expect(stored.identifier).toContainEqual({ system: 'urn:sharedcare:id:gp-replay:patient', value: 'rp-1' });
    const invalid = (await items(UNSOURCED)).find((i) => i.kind === 'Observation' && i.origin.includes('-bad.ndjson'));
    expect((await replayFhir(invalid!, ctx))?.map((r) => r.location)).toContain('Observation.status');
  });
});

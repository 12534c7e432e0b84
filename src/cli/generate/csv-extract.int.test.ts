// The round trip that proves the mapping: the generator's population → councils' CSV extracts (three
// supplier layouts, local codes, local times) → importCsv → FHIR that matches the generator's own
// resources field by field; and exactly the rows spoiled on purpose (plus the rows naming them) are
// quarantined, each with the reason and column expected. On PGlite and PostgreSQL.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { LOCAL_IDENTIFIER_PREFIX, ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM } from '../../fhir/systems.ts';
import { importCsv, type ImportCsvResult } from '../../ingest/csv/import-csv.ts';
import { loadProfile, SHIPPED_PROFILES_DIR } from '../../ingest/csv/profile.ts';
import type { IngestContext } from '../../ingest/ingest-context.ts';
import { sourceUri } from '../../ingest/provenance.ts';
import { Quarantine, type QuarantinedItem } from '../../ingest/quarantine.ts';
import { ResourceIndex, type FhirLookup } from '../../ingest/social-care/fhir-parts.ts';
import { recordFromFhir } from '../../ingest/social-care/from-fhir.ts';
import { referencedRecords } from '../../ingest/social-care/record-rules.ts';
import { RECORD_TYPES, SCHEMAS, type RecordType, type SocialCareRecord } from '../../ingest/social-care/records.ts';
import { SqlRepository } from '../../store/sql-repository.ts';
import { councilRecords, type CouncilRecord } from './council-records.ts';
import { writeCsvExtracts, type BadRow } from './csv-extract.ts';
import { generatePopulation } from './generate-population.ts';

interface Manifest {
  source: string;
  profile: string;
  files: Array<{ name: string; recordType: RecordType; rows: number }>;
  badRows: BadRow[];
}

let db: TestDatabase;
let repo: SqlRepository;
let ctx: IngestContext;
let manifests: Manifest[];
let originals: CouncilRecord[];
const results: ImportCsvResult[] = [];
const key = (source: string, type: string, id: string) => `${source}|${type}/${id}`;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  ctx = { repo, db: db.driver, profileDirs: [SHIPPED_PROFILES_DIR] };
  // Through JSON, as the generator's files hold them.
  const bundles = JSON.parse(JSON.stringify([...generatePopulation({ people: 260, seed: 2025 })])) as Bundle[];
  originals = [...councilRecords(bundles)];
  const out = mkdtempSync(join(tmpdir(), 'sharedcare-extract-'));
  const written = await writeCsvExtracts(bundles, out);
  expect(written.badRows).toBeGreaterThan(3);
  manifests = [...new Set(originals.map((o) => o.source))].map((source) => JSON.parse(readFileSync(join(out, 'csv', source, 'manifest.json'), 'utf8')) as Manifest);
  for (const manifest of manifests) {
    const ordered = [...manifest.files].sort((a, b) => RECORD_TYPES.indexOf(a.recordType) - RECORD_TYPES.indexOf(b.recordType));
    for (const file of ordered) {
      results.push(await importCsv(ctx, join(out, 'csv', manifest.source, file.name), { source: manifest.source, profile: manifest.profile }));
    }
  }
}, 300_000);
afterAll(() => db.drop());

/** The spoiled rows, and every record naming one of them (directly, or through the team or worker only it brought). */
function expectedQuarantine(): Set<string> {
  const lost = new Set(manifests.flatMap((m) => m.badRows.map((b) => key(m.source, b.recordType, b.localId))));
  const producers = new Map<string, string[]>();
  const produce = (source: string, type: string, id: string | undefined, by: string) => {
    if (id === undefined) return;
    producers.set(key(source, type, id), [...(producers.get(key(source, type, id)) ?? []), by]);
  };
  for (const o of originals) {
    const own = key(o.source, o.record.recordType, (o.record as unknown as Record<string, string>)[SCHEMAS[o.record.recordType].idField]!);
    if (o.record.recordType === 'allocation') {
      produce(o.source, 'team', o.record.teamId, own);
      produce(o.source, 'worker', o.record.workerId, own);
      produce(o.source, 'worker', o.record.managerId, own);
    }
    if (o.record.recordType === 'service') produce(o.source, 'provider', o.record.providerId, own);
  }
  const isLost = (k: string) => lost.has(k) || (producers.has(k) && producers.get(k)!.every((p) => lost.has(p)));
  for (const type of RECORD_TYPES) {
    for (const o of originals.filter((r) => r.record.recordType === type)) {
      const own = key(o.source, type, (o.record as unknown as Record<string, string>)[SCHEMAS[type].idField]!);
      if (referencedRecords(o.record).some((ref) => isLost(key(o.source, ref.type, ref.id)))) lost.add(own);
    }
  }
  return lost;
}

async function quarantined(): Promise<QuarantinedItem[]> {
  const all: QuarantinedItem[] = [];
  for (const m of manifests) all.push(...(await new Quarantine(db.driver).list({ source: m.source, limit: 1000 })));
  return all;
}

function itemKey(item: QuarantinedItem): string {
  const profile = loadProfile(item.profile!, [SHIPPED_PROFILES_DIR]);
  const idField = SCHEMAS[item.kind as RecordType].idField;
  const column = Object.entries(profile.records[item.kind as RecordType]!.columns).find(([, f]) => f === idField)![0];
  return key(item.source, item.kind, JSON.parse(item.raw)[column]);
}

/** Every imported resource of a source, by Type/id, read through the source registry. */
async function importedIndex(source: string): Promise<{ index: ResourceIndex; byRecord: Map<string, Resource[]> }> {
  const { rows } = await db.driver.query<{ record_type: string; local_id: string; resources: string[] }>(
    'SELECT record_type, local_id, resources FROM source_record WHERE source = $1', [source]);
  const index = new ResourceIndex();
  const byRecord = new Map<string, Resource[]>();
  for (const row of rows) {
    const resources = await Promise.all(row.resources.map((ref) => repo.read(ref.split('/')[0]!, ref.split('/')[1]!)));
    resources.forEach((r) => index.add(r));
    byRecord.set(key(source, row.record_type, row.local_id), resources);
  }
  return { index, byRecord };
}

/** A resource's identity across both worlds: a national code, or the council's own id for it. */
function identityOf(resource: Resource | undefined, lookup: FhirLookup, source: string): string {
  if (!resource) return 'unresolved';
  if (resource.resourceType === 'PractitionerRole') return `PractitionerRole|${identityOf(lookup.resolve(resource.practitioner), lookup, source)}`;
  const identifiers = (resource as { identifier?: Identifier[] }).identifier ?? [];
  const national = identifiers.find((i) => i.system === ODS_ORGANIZATION_SYSTEM || i.system === ONS_GSS_CODE_SYSTEM);
  const local = identifiers.find((i) => i.system?.startsWith(`${LOCAL_IDENTIFIER_PREFIX}${source}:`));
  const chosen = national ?? local;
  return chosen ? `${resource.resourceType}|${chosen.system}|${chosen.value}` : `${resource.resourceType}|no identifier`;
}

/**
 * A resource without what only one side can have: ids and meta, reference targets replaced by their
 * identity, reference displays, and identifiers the other side lacks (another source's hospital number
 * on the generated Patient; the source identifier the import gives resources the council left without one).
 */
function normalise(resource: Resource, lookup: FhirLookup, source: string, keepSystems?: ReadonlySet<string>): unknown {
  const walk = (value: unknown, path: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, path));
    if (typeof value !== 'object' || value === null) return value;
    const obj = value as Record<string, unknown>;
    if (typeof obj.reference === 'string' || (obj.identifier && typeof obj.type === 'string' && !('system' in obj))) {
      const ref = obj as Reference;
      return { target: ref.reference ? identityOf(lookup.resolve(ref), lookup, source) : `${ref.type}|${ref.identifier!.system}|${ref.identifier!.value}` };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      if (path === '' && (k === 'id' || k === 'meta' || (resource.resourceType === 'Patient' && k === 'contact'))) continue;
      if (path === '' && k === 'identifier') {
        out[k] = (v as Identifier[]).filter((i) => !i.system?.startsWith(LOCAL_IDENTIFIER_PREFIX)
          || (i.system.startsWith(`${LOCAL_IDENTIFIER_PREFIX}${source}:`) && (!keepSystems || keepSystems.has(i.system))));
        continue;
      }
      out[k] = walk(v, `${path}.${k}`);
    }
    return out;
  };
  return walk(resource, '');
}

const systemsOf = (resources: readonly Resource[]) => new Set(resources.flatMap((r) => ((r as { identifier?: Identifier[] }).identifier ?? []).map((i) => i.system!)));

describe(`generated extracts → import, on ${DRIVER_NAME}`, () => {
  it('every report adds up, and the only unmapped codes are the ones spoiled on purpose', () => {
    expect(results.length).toBeGreaterThan(20);
    for (const r of results) expect(r.report.balanced(), `${r.source} ${r.recordType}`).toBe(true);
    const unmapped = results.flatMap((r) => Object.values(r.report.counts.unmapped).flatMap((codes) => Object.keys(codes)));
    expect(new Set(unmapped)).toEqual(new Set(unmapped.length > 0 ? ['ZZ-UNKNOWN'] : []));
  });

  it('quarantines exactly the spoiled rows and the rows naming them, each with the expected reason and column', async () => {
    const items = await quarantined();
    const expected = expectedQuarantine();
    expect(new Set(items.map(itemKey))).toEqual(expected);
    expect(results.reduce((n, r) => n + r.report.counts.quarantined, 0)).toBe(expected.size);
    for (const m of manifests) {
      for (const bad of m.badRows) {
        const item = items.find((i) => i.source === m.source && i.origin === `${bad.file}:${bad.line}`);
        expect(item, `${m.source} ${bad.file}:${bad.line}`).toBeDefined();
        expect(item!.reasons).toContainEqual(expect.objectContaining({ code: bad.expectedCode, location: bad.column }));
      }
    }
    const spoiled = new Set(manifests.flatMap((m) => m.badRows.map((b) => `${m.source}|${b.file}:${b.line}`)));
    for (const item of items.filter((i) => !spoiled.has(`${i.source}|${i.origin}`))) {
      expect(item.reasons.map((r) => r.code), item.origin).toEqual(item.reasons.map(() => 'INGEST_CSV_REFERENCE'));
    }
  });

  it('every record read back from the imported FHIR is the record the council extract held', async () => {
    const expected = expectedQuarantine();
    let compared = 0;
    for (const source of new Set(originals.map((o) => o.source))) {
      const { index, byRecord } = await importedIndex(source);
      for (const o of originals.filter((r) => r.source === source)) {
        const k = key(source, o.record.recordType, (o.record as unknown as Record<string, string>)[SCHEMAS[o.record.recordType].idField]!);
        if (expected.has(k)) continue;
        const imported = byRecord.get(k);
        expect(imported, k).toBeDefined();
        expect(recordFromFhir(o.record.recordType, imported!, source, index) as SocialCareRecord, k).toEqual(o.record);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('the imported resources match the generator\'s originals field by field', async () => {
    const expected = expectedQuarantine();
    const types = new Set<string>();
    for (const source of new Set(originals.map((o) => o.source))) {
      const { index, byRecord } = await importedIndex(source);
      for (const o of originals.filter((r) => r.source === source)) {
        const k = key(source, o.record.recordType, (o.record as unknown as Record<string, string>)[SCHEMAS[o.record.recordType].idField]!);
        if (expected.has(k)) continue;
        const imported = byRecord.get(k)!;
        for (const r of imported) expect(r.meta?.source).toBe(sourceUri(source));
        const keep = systemsOf(o.resources);
        expect(imported.map((r) => normalise(r, index, source, keep)), k).toEqual(o.resources.map((r) => normalise(r, o.lookup, source)));
        o.resources.forEach((r) => types.add(r.resourceType));
      }
    }
    expect(types).toEqual(new Set(['Patient', 'RelatedPerson', 'CareTeam', 'EpisodeOfCare', 'Condition', 'ServiceRequest', 'Task', 'Device', 'CarePlan', 'Flag']));
  });
});

// Golden files: each fixtures/adt-*.hl7 (hand-laid-out like real PAS output: LF, CRLF or CR
// separators, v2.3 and v2.4, escapes) is ingested and the stored resources must equal
// fixtures/adt-*.expected.json. UPDATE_GOLDEN=1 rewrites the expectations (review the diff!).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import type { IngestContext } from '../ingest-context.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
let db: TestDatabase;
let ctx: IngestContext;

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
});
afterAll(() => db.drop());

/** Resources the source (epr-rk5) holds, in a stable order, without what the store stamps on each write. */
async function stored(): Promise<Resource[]> {
  const { rows } = await db.driver.query<{ resources: string[] }>("SELECT resources FROM source_record WHERE source = 'epr-rk5' ORDER BY record_type, local_id");
  const out: Resource[] = [];
  for (const key of rows.flatMap((r) => r.resources)) {
    const [type, id] = key.split('/') as [string, string];
    const { meta, ...rest } = await ctx.repo.read(type, id);
    const { versionId: _v, lastUpdated: _l, ...kept } = meta ?? {};
    out.push({ ...rest, meta: kept } as Resource);
  }
  return out;
}

describe(`ADT golden files on ${DRIVER_NAME}`, () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.hl7')).sort();

  it('has fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`${file} → ${file.replace('.hl7', '.expected.json')}`, async () => {
      await db.driver.query('DELETE FROM source_record');
      const result = await new Hl7Ingestor(ctx).handle(readFileSync(join(FIXTURES, file), 'utf8'));
      const actual = { ack: result.code, resources: await stored() };
      const expectedFile = join(FIXTURES, file.replace('.hl7', '.expected.json'));
      if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

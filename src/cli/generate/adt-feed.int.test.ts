// A generated population's ADT feeds, ingested: the bad copies are quarantined (AE) and everything
// else is accepted, every hospital encounter becomes a finished Encounter, admissions sent in error
// are entered-in-error, and each merged temporary patient is inactive and linked to the survivor.
import type { Bundle, Encounter, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import { Hl7Ingestor, type Hl7Result } from '../../ingest/hl7/hl7-ingestor.ts';
import type { IngestContext } from '../../ingest/ingest-context.ts';
import { adtMessagesFor } from './adt-feed.ts';
import { generatePopulation } from './generate-population.ts';

let db: TestDatabase;
let ctx: IngestContext;
const bundles: Bundle[] = [...generatePopulation({ people: 400, seed: 5 })];
const feeds = adtMessagesFor(bundles);
const results: Array<{ text: string; result: Hl7Result }> = [];

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
  const ingestor = new Hl7Ingestor(ctx);
  // Trusts' feeds are independent; within a feed, messages go in order, as over MLLP.
  await Promise.all(feeds.map(async (feed) => {
    for (const text of feed.messages) results.push({ text, result: await ingestor.handle(text) });
  }));
  await ingestor.finish();
}, 300_000);
afterAll(() => db.drop());

async function all<T>(type: string, query: Array<[string, string]> = []): Promise<T[]> {
  const out: T[] = [];
  let params: ReadonlyArray<[string, string]> = [...query, ['_count', '1000']];
  for (;;) {
    const page = await ctx.repo.search(ctx.repo.parseSearch(type, params), { owner: 'test', query: params });
    out.push(...page.matches.filter((m) => m.mode === 'match').map((m) => m.resource as T));
    if (!page.next) return out;
    params = page.next;
  }
}

const eventOf = (text: string) => text.split('\r')[0]!.split('|')[8]!.split('^')[1]!;

describe(`a generated ADT feed ingested on ${DRIVER_NAME}`, () => {
  it('accepts every message but the deliberately bad ones, which are quarantined with AE', () => {
    const codes = results.map((r) => r.result.code);
    expect(codes.filter((c) => c === 'AR')).toEqual([]);
    const refused = results.filter((r) => r.result.code === 'AE');
    expect(refused.length).toBeGreaterThan(0);
    for (const { result } of refused) expect(['INGEST_HL7_NHS_NUMBER', 'INGEST_HL7_REQUIRED', 'INGEST_HL7_DATE']).toContain(result.reasons?.[0]?.code);
  });

  it('makes a finished Encounter for every hospital encounter of the population', async () => {
    const expected = bundles.flatMap((b) => (b.entry ?? []).map((e) => e.resource))
      .filter((r): r is Encounter => r?.resourceType === 'Encounter' && (r.meta?.source ?? '').startsWith('urn:sharedcare:source:epr-'));
    const stored = await all<Encounter>('Encounter');
    const finished = stored.filter((e) => e.status === 'finished');
    expect(finished).toHaveLength(expected.length);
    expect(finished.map((e) => e.period?.end).sort()).toEqual(expected.map((e) => new Date(e.period!.end!).toISOString().replace('.000Z', '+00:00')).sort());
    const cancelled = results.filter((r) => r.result.code === 'AA' && eventOf(r.text) === 'A11').length;
    expect(cancelled).toBeGreaterThan(0);
    expect(stored.filter((e) => e.status === 'entered-in-error')).toHaveLength(cancelled);
    expect(stored).toHaveLength(expected.length + cancelled);
  });

  it('leaves each merged temporary patient inactive, replaced by the survivor, with no encounters of its own', async () => {
    const merges = results.filter((r) => r.result.code === 'AA' && eventOf(r.text) === 'A40').length;
    expect(merges).toBe(1);
    const inactive = (await all<Patient>('Patient', [['active', 'false']]));
    expect(inactive).toHaveLength(merges);
    for (const patient of inactive) {
      const survivor = patient.link?.find((l) => l.type === 'replaced-by')?.other?.reference;
      expect(survivor).toMatch(/^Patient\//);
      expect(await all<Encounter>('Encounter', [['subject', `Patient/${patient.id}`]])).toEqual([]);
      expect((await all<Encounter>('Encounter', [['subject', survivor!]])).length).toBeGreaterThan(0);
    }
  });
});

// Property test: date search in SQL agrees with the FHIR specification's prefix semantics,
// written here independently as a plain comparison of ranges. See: https://hl7.org/fhir/R4/search.html#prefix
import fc from 'fast-check';
import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, testRepository } from '../../../test/support/test-database.ts';
import { SqlRepository } from '../sql-repository.ts';

let db: TestDatabase;
let repo: SqlRepository;

/** Start and (exclusive) end of what a FHIR date string means, computed without the product's parser. */
function meaning(value: string): [number, number] {
  const [date, time] = value.split('T');
  const [y, m, d] = date!.split('-').map(Number);
  if (!time) {
    if (d !== undefined) return [Date.UTC(y!, m! - 1, d), Date.UTC(y!, m! - 1, d + 1)];
    if (m !== undefined) return [Date.UTC(y!, m - 1, 1), Date.UTC(y!, m, 1)];
    return [Date.UTC(y!, 0, 1), Date.UTC(y! + 1, 0, 1)];
  }
  const start = Date.parse(value.endsWith('Z') ? value : `${value}Z`);
  return [start, start + (time.split(':').length === 2 ? 60_000 : 1000)];
}

// Spec wording, for a target range T and search range S:
const PREFIX_RULES: Record<string, (t: [number, number], s: [number, number]) => boolean> = {
  eq: (t, s) => t[0] >= s[0] && t[1] <= s[1], // S fully contains T
  ne: (t, s) => !(t[0] >= s[0] && t[1] <= s[1]),
  gt: (t, s) => t[1] > s[1], // some of T lies after S
  lt: (t, s) => t[0] < s[0], // some of T lies before S
  ge: (t, s) => t[1] > s[0], // some of T lies at or after the start of S
  le: (t, s) => t[0] < s[1], // some of T lies at or before the end of S
  sa: (t, s) => t[0] >= s[1], // T starts after S ends
  eb: (t, s) => t[1] <= s[0], // T ends before S starts
};

const dateValue = fc
  .record({
    y: fc.integer({ min: 2018, max: 2021 }),
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    precision: fc.constantFrom('year', 'month', 'day', 'minute', 'second'),
  })
  .map(({ y, m, d, h, precision }) => {
    const p2 = (n: number) => String(n).padStart(2, '0');
    switch (precision) {
      case 'year': return `${y}`;
      case 'month': return `${y}-${p2(m)}`;
      case 'day': return `${y}-${p2(m)}-${p2(d)}`;
      case 'minute': return `${y}-${p2(m)}-${p2(d)}T${p2(h)}:30`;
      default: return `${y}-${p2(m)}-${p2(d)}T${p2(h)}:30:15Z`;
    }
  });

const targets: Array<{ id: string; range: [number, number] }> = [];

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  const samples = fc.sample(dateValue, { numRuns: 60, seed: 42 });
  const resources: Resource[] = samples.map((value, i) => {
    // Stored values are full dates or dateTimes with a zone (as FHIR requires for times), or periods.
    const stored = value.includes('T') && !value.endsWith('Z') ? `${value}:00Z` : value;
    return i % 5 === 0
      ? ({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: stored, end: stored } } as Resource)
      : ({ resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, period: { start: stored } } as Resource);
  });
  const stored = await repo.createMany(resources);
  stored.forEach((r, i) => {
    const period = (r as { period: { start: string; end?: string } }).period;
    targets.push({ id: r.id!, range: [meaning(period.start)[0], period.end ? meaning(period.end)[1] : Infinity] });
    void i;
  });
});
afterAll(() => db.drop());

describe('date search semantics', () => {
  it('matches the specification for every prefix and precision (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(PREFIX_RULES)), dateValue, async (prefix, value) => {
        const request = repo.parseSearch('Encounter', [['date', `${prefix}${value}`], ['_count', '1000']]);
        const result = await repo.search(request, { owner: 'test' });
        const found = new Set(result.matches.map((m) => m.resource.id));
        const expected = new Set(targets.filter((t) => PREFIX_RULES[prefix]!(t.range, meaning(value))).map((t) => t.id));
        expect(found).toEqual(expected);
      }),
      { numRuns: 80, seed: 7 },
    );
  });

  it('treats repeated bounds on one parameter as a range one of its dates must overlap', async () => {
    const location = (start: string, end: string) => ({ location: { display: 'Ward' }, period: { start, end } });
    const [spans, apart] = await repo.createMany([
      { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, location: [location('2029-12-01', '2030-03-01')] } as Resource,
      // Two stays, neither in January 2030: one before, one after.
      { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, location: [location('2028-01-01', '2028-02-01'), location('2032-01-01', '2032-02-01')] } as Resource,
    ]);
    const find = async (query: Array<[string, string]>) =>
      (await repo.search(repo.parseSearch('Encounter', query), { owner: 'test' })).matches.map((m) => m.resource.id).sort();
    const both: [string, string] = ['_id', `${spans!.id},${apart!.id}`];
    expect(await find([['location-period', 'ge2030-01-01'], ['location-period', 'lt2030-02-01'], both])).toEqual([spans!.id]);
    // Each bound alone still matches any of the dates.
    expect(await find([['location-period', 'ge2030-01-01'], both])).toEqual([spans!.id, apart!.id].sort());
    expect(await find([['location-period', 'lt2030-02-01'], both])).toEqual([spans!.id, apart!.id].sort());
  });
});

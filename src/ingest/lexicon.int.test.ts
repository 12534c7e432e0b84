// The lexicon against stored ConceptMaps, and the unmapped-code tally, on PGlite and PostgreSQL.
import type { ConceptMap } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testRepository } from '../../test/support/test-database.ts';
import { SqlRepository } from '../store/sql-repository.ts';
import { Lexicon, listUnmapped, loadConceptMaps, localCodeSystem, recordUnmapped } from './lexicon.ts';

let db: TestDatabase;
let repo: SqlRepository;

const PSR = localCodeSystem('mosaic-test', 'psr');
const SERVICE = localCodeSystem('mosaic-test', 'service');
const NATIONAL = 'https://example.org/CodeSystem/psr';
const OTHER = 'https://example.org/CodeSystem/other';

const conceptMap = (id: string, status: ConceptMap['status'], source: string, elements: Array<[string, string | undefined, string]>, target = NATIONAL): ConceptMap => ({
  resourceType: 'ConceptMap',
  id,
  url: `urn:test:conceptmap:${id}`,
  status,
  group: [{ source, target, element: elements.map(([code, to, equivalence]) => ({ code, target: [{ ...(to ? { code: to } : {}), equivalence: equivalence as 'equal', ...(/narrower|inexact/.test(equivalence) ? { comment: 'cmd-1' } : {}) }] })) }],
});

beforeAll(async () => {
  db = await openTestDatabase();
  repo = testRepository(db.driver);
  await repo.putMany([
    conceptMap('psr-a', 'active', PSR, [['PD', 'physical', 'equivalent'], ['MH', 'mental', 'wider'], ['XX', undefined, 'unmatched'], ['NO', 'none', 'disjoint'], ['LD', 'learning-inexact', 'inexact']]),
    conceptMap('psr-b', 'active', PSR, [['LD', 'learning', 'equal']]),
    conceptMap('psr-other', 'active', PSR, [['PD', 'p-other', 'equivalent']], OTHER),
    conceptMap('psr-draft', 'draft', PSR, [['DR', 'draft-code', 'equivalent']]),
    conceptMap('psr-retired', 'retired', PSR, [['RT', 'retired-code', 'equivalent']]),
    conceptMap('service', 'active', SERVICE, [['HC', 'home-care', 'equivalent']]),
  ]);
});
afterAll(() => db.drop());

describe(`lexicon on ${DRIVER_NAME}`, () => {
  it('names local code lists by profile and list', () => {
    expect(localCodeSystem('mosaic-hackney', 'psr')).toBe('urn:sharedcare:codelist:mosaic-hackney:psr');
  });

  it('translates by the active maps, counting unmatched and disjoint as not mapped', async () => {
    const lexicon = await Lexicon.load(repo, [PSR]);
    expect(lexicon.translate(PSR, 'PD', NATIONAL)).toEqual({ system: NATIONAL, code: 'physical' });
    expect(lexicon.translate(PSR, 'MH')?.code).toBe('mental');
    expect(lexicon.translate(PSR, 'XX')).toBeUndefined();
    expect(lexicon.translate(PSR, 'NO')).toBeUndefined();
    expect(lexicon.translate(PSR, 'ZZ')).toBeUndefined();
  });

  it('ignores draft and retired maps', async () => {
    const lexicon = await Lexicon.load(repo, [PSR]);
    expect(lexicon.translate(PSR, 'DR')).toBeUndefined();
    expect(lexicon.translate(PSR, 'RT')).toBeUndefined();
  });

  it('prefers the stronger equivalence across maps and honours the target system', async () => {
    const lexicon = await Lexicon.load(repo, [PSR]);
    expect(lexicon.translate(PSR, 'LD')?.code).toBe('learning');
    expect(lexicon.translate(PSR, 'PD', OTHER)).toEqual({ system: OTHER, code: 'p-other' });
    expect(lexicon.translate(PSR, 'MH', OTHER)).toBeUndefined();
  });

  it('loads only the maps of the systems asked for', async () => {
    const lexicon = await Lexicon.load(repo, [SERVICE]);
    expect(lexicon.translate(SERVICE, 'HC')?.code).toBe('home-care');
    expect(lexicon.translate(PSR, 'PD')).toBeUndefined();
    const both = await Lexicon.load(repo, [PSR, SERVICE]);
    expect([both.translate(PSR, 'PD')?.code, both.translate(SERVICE, 'HC')?.code]).toEqual(['physical', 'home-care']);
    expect((await Lexicon.load(repo, [])).translate(PSR, 'PD')).toBeUndefined();
  });

  it('follows search pages to the last map', async () => {
    const maps = await loadConceptMaps(repo, [PSR, SERVICE], 2);
    expect(maps.map((m) => m.id).sort()).toEqual(['psr-a', 'psr-b', 'psr-other', 'service']);
  });

  it('sees a new map on the next load', async () => {
    const system = localCodeSystem('mosaic-test', 'late');
    expect((await Lexicon.load(repo, [system])).translate(system, 'A')).toBeUndefined();
    await repo.putMany([conceptMap('late', 'active', system, [['A', 'a', 'equivalent']])]);
    expect((await Lexicon.load(repo, [system])).translate(system, 'A')?.code).toBe('a');
  });
});

describe(`unmapped codes on ${DRIVER_NAME}`, () => {
  it('adds occurrences per source, system and code and moves last_seen on', async () => {
    await recordUnmapped(db.driver, 'council-a', { [PSR]: { Q1: 3, Q2: 1 }, [SERVICE]: { S9: 2 } });
    const first = await listUnmapped(db.driver, 'council-a');
    expect(first.map((u) => [u.system, u.code, u.occurrences])).toEqual([
      [PSR, 'Q1', 3],
      [PSR, 'Q2', 1],
      [SERVICE, 'S9', 2],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await recordUnmapped(db.driver, 'council-a', { [PSR]: { Q2: 4 } });
    const second = await listUnmapped(db.driver, 'council-a');
    const q2 = second.find((u) => u.code === 'Q2')!;
    const q2Before = first.find((u) => u.code === 'Q2')!;
    expect(q2.occurrences).toBe(5);
    expect(q2.firstSeen).toBe(q2Before.firstSeen);
    expect(q2.lastSeen > q2Before.lastSeen).toBe(true);
    // Most frequent first within a system.
    expect(second.filter((u) => u.system === PSR).map((u) => u.code)).toEqual(['Q2', 'Q1']);
  });

  it('keeps sources apart and lists all sources without a filter', async () => {
    await recordUnmapped(db.driver, 'council-b', { [PSR]: { Q1: 1, skipped: 0 } });
    expect((await listUnmapped(db.driver, 'council-b')).map((u) => [u.code, u.occurrences])).toEqual([['Q1', 1]]);
    expect(new Set((await listUnmapped(db.driver)).map((u) => u.source))).toEqual(new Set(['council-a', 'council-b']));
    await recordUnmapped(db.driver, 'council-c', {});
    expect(await listUnmapped(db.driver, 'council-c')).toEqual([]);
  });
});

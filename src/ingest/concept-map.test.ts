import type { ConceptMap } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { equivalenceRank, isMapped, matchConcept } from './concept-map.ts';

const LOCAL = 'urn:sharedcare:codelist:mosaic:psr';
const NATIONAL = 'https://example.org/CodeSystem/psr';
const OTHER = 'https://example.org/CodeSystem/other';

const map: ConceptMap = {
  resourceType: 'ConceptMap',
  url: 'urn:test:map:psr',
  status: 'active',
  group: [
    {
      source: LOCAL,
      target: NATIONAL,
      targetVersion: '2',
      element: [
        { code: 'PD', display: 'Physical', target: [{ code: 'physical', display: 'Physical support', equivalence: 'wider' }, { code: 'personal', equivalence: 'equal' }] },
        { code: 'XX', target: [{ equivalence: 'unmatched' }] },
        { code: 'NO', target: [{ code: 'none', equivalence: 'disjoint' }] },
      ],
    },
    { source: LOCAL, target: OTHER, element: [{ code: 'PD', target: [{ code: 'p', equivalence: 'inexact' }] }] },
  ],
};

describe('equivalences', () => {
  it('counts the eight mapping equivalences as mapped and unmatched/disjoint as not', () => {
    for (const e of ['equivalent', 'equal', 'wider', 'subsumes', 'narrower', 'specializes', 'relatedto', 'inexact']) expect(isMapped(e)).toBe(true);
    expect(isMapped('unmatched')).toBe(false);
    expect(isMapped('disjoint')).toBe(false);
    expect(equivalenceRank('equal')).toBeLessThan(equivalenceRank('inexact'));
    expect(equivalenceRank('inexact')).toBeLessThan(equivalenceRank('disjoint'));
  });
});

describe('matchConcept', () => {
  it('finds every target of the code, strongest equivalence first, with the target system and version', () => {
    const matches = matchConcept(map, { system: LOCAL, code: 'PD' });
    expect(matches.map((m) => [m.equivalence, m.concept?.system, m.concept?.code])).toEqual([
      ['equal', NATIONAL, 'personal'],
      ['wider', NATIONAL, 'physical'],
      ['inexact', OTHER, 'p'],
    ]);
    expect(matches[1]!.concept).toEqual({ system: NATIONAL, version: '2', code: 'physical', display: 'Physical support' });
    expect(matches[0]!.source).toBe('urn:test:map:psr');
  });

  it('restricts to the target system', () => {
    expect(matchConcept(map, { system: LOCAL, code: 'PD', targetSystem: OTHER }).map((m) => m.concept?.code)).toEqual(['p']);
  });

  it('reports unmatched without a concept and disjoint as an answer that is not a mapping', () => {
    expect(matchConcept(map, { system: LOCAL, code: 'XX' })).toEqual([{ equivalence: 'unmatched', source: 'urn:test:map:psr' }]);
    expect(matchConcept(map, { system: LOCAL, code: 'NO' }).map((m) => m.equivalence)).toEqual(['disjoint']);
  });

  it('answers nothing for another system or an unknown code', () => {
    expect(matchConcept(map, { system: NATIONAL, code: 'PD' })).toEqual([]);
    expect(matchConcept(map, { system: LOCAL, code: 'ZZ' })).toEqual([]);
  });

  it('reads the map backwards with reverse, turning wider into narrower', () => {
    const back = matchConcept(map, { system: NATIONAL, code: 'physical', reverse: true });
    expect(back).toEqual([{ equivalence: 'narrower', source: 'urn:test:map:psr', concept: { system: LOCAL, code: 'PD', display: 'Physical' } }]);
    // A disjoint target is not a way back to the source code.
    expect(matchConcept(map, { system: NATIONAL, code: 'none', reverse: true })).toEqual([]);
  });

  it('names a map without a url by its id', () => {
    const { url: _url, ...noUrl } = map;
    expect(matchConcept({ ...noUrl, id: 'abc' }, { code: 'PD' })[0]!.source).toBe('ConceptMap/abc');
  });
});

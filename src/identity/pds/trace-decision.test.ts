// Every row of the trace rules: how searches are chosen, how one search is judged, and which
// outcome one strong match gives (traced, restricted, conflict), including what is kept of PDS's data.
import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { pdsPerson, testNhsNumber } from '../../../test/support/pds-people.ts';
import type { MatchRecord } from '../match-types.ts';
import type { PdsSearchEntry } from './pds-client.ts';
import { decideMatch, judgeSearch, multipleResult, noMatchResult } from './trace-decision.ts';
import { narrowedQuery, traceQueries } from './trace-queries.ts';

const [A, B, C] = [1, 2, 3].map(testNhsNumber) as [string, string, string];
const entry = (nhsNumber: string, score: number, restricted = false): PdsSearchEntry => ({
  patient: pdsPerson({ nhsNumber, family: 'Baker', given: ['Amy'], birthDate: '2001-02-03', gender: 'female', postcode: 'NG1 1AA', gp: 'C84001', restricted }).patient,
  score,
});
const full: MatchRecord = { id: 'p1', given: 'AMY', middle: 'JANE', family: 'BAKER', birthDate: '2001-02-03', sex: 'F', postcode: 'NG1 1AA' };

describe('traceQueries', () => {
  it('starts non-fuzzy with history, then fuzzy, without a postcode or middle name', () => {
    expect(traceQueries(full)).toEqual([
      { kind: 'non-fuzzy', params: { family: 'BAKER', given: 'AMY', birthDate: '2001-02-03', gender: 'female', maxResults: 10, history: true } },
      { kind: 'fuzzy', params: { family: 'BAKER', given: 'AMY', birthDate: '2001-02-03', gender: 'female', maxResults: 10, fuzzy: true } },
    ]);
  });

  it.each<[string, Partial<MatchRecord>, string[]]>([
    ['family and birth date only: non-fuzzy', { family: 'BAKER', birthDate: '2001-02-03' }, ['non-fuzzy']],
    ['no given name: fuzzy needs sex and postcode', { family: 'BAKER', birthDate: '2001-02-03', sex: 'F', postcode: 'NG1 1AA' }, ['non-fuzzy', 'fuzzy']],
    ['no family name: fuzzy by given, sex and postcode', { given: 'AMY', birthDate: '2001-02-03', sex: 'F', postcode: 'NG1 1AA' }, ['fuzzy']],
    ['no birth date: nothing PDS accepts', { given: 'AMY', family: 'BAKER', sex: 'F', postcode: 'NG1 1AA' }, []],
    ['family only: nothing', { family: 'BAKER' }, []],
  ])('%s', (_why, record, kinds) => {
    expect(traceQueries({ id: 'p', ...record }).map((q) => q.kind)).toEqual(kinds);
  });

  it('narrows only a non-fuzzy search, and only with a postcode', () => {
    const [nonFuzzy, fuzzy] = traceQueries(full);
    expect(narrowedQuery(nonFuzzy!, full)?.params.postcode).toBe('NG1 1AA');
    expect(narrowedQuery(fuzzy!, full)).toBeUndefined();
    expect(narrowedQuery(nonFuzzy!, { ...full, postcode: undefined } as MatchRecord)).toBeUndefined();
  });
});

describe('judgeSearch', () => {
  it.each<[string, PdsSearchEntry[], boolean, string]>([
    ['one strong match', [entry(A, 1)], false, 'unique'],
    ['one strong, one weak', [entry(A, 0.95), entry(B, 0.8)], false, 'unique'],
    ['exactly at the threshold', [entry(A, 0.9)], false, 'unique'],
    ['two strong', [entry(A, 1), entry(B, 0.92)], false, 'multiple'],
    ['the same person twice is one', [entry(A, 1), entry(A, 0.95)], false, 'unique'],
    ['only weak', [entry(A, 0.89)], false, 'none'],
    ['nobody', [], false, 'none'],
    ['too many matches', [], true, 'multiple'],
  ])('%s → %s', (_why, entries, tooManyMatches, kind) => {
    expect(judgeSearch({ entries, tooManyMatches }).kind).toBe(kind);
  });

  it('keeps the best weak match for the record', () => {
    const verdict = judgeSearch({ entries: [entry(A, 0.8), entry(B, 0.5)], tooManyMatches: false });
    expect(verdict.kind === 'none' && verdict.best?.patient.id).toBe(A);
  });
});

describe('decideMatch', () => {
  it.each<[string, Partial<MatchRecord>, PdsSearchEntry, string, string, string | undefined]>([
    ['no number held: traced', {}, entry(A, 1), 'traced', '01', undefined],
    ['same number held, unverified: traced', { nhsNumber: A }, entry(A, 1), 'traced', '01', undefined],
    ['same number held, verified: traced', { nhsNumber: A, nhsVerified: true }, entry(A, 1), 'traced', '01', undefined],
    ['different unverified number: traced, old one noted', { nhsNumber: B }, entry(A, 1), 'traced', '01', B],
    ['different verified number: conflict, never overwritten', { nhsNumber: B, nhsVerified: true }, entry(A, 1), 'conflict', '05', B],
    ['restricted: traced as restricted', {}, entry(A, 1, true), 'restricted', '01', undefined],
    ['restricted with a different verified number: conflict', { nhsNumber: C, nhsVerified: true }, entry(A, 1, true), 'conflict', '05', C],
  ])('%s', (_why, held, match, outcome, statusCode, heldNumber) => {
    const result = decideMatch({ ...full, ...held }, match, 'non-fuzzy');
    expect(result).toMatchObject({ outcome, statusCode, nhsNumber: A, score: match.score });
    expect(result.detail.heldNumber).toBe(heldNumber);
  });

  it('keeps no address, postcode, telecom or GP of a restricted person, even if PDS sent them', () => {
    const leaky: Patient = { ...entry(A, 1, true).patient, telecom: [{ system: 'phone', value: '01632960999' }] };
    expect(leaky.address?.[0]?.postalCode).toBe('NG1 1AA');
    const result = decideMatch(full, { patient: leaky, score: 1 }, 'non-fuzzy');
    const stored = JSON.stringify(result.detail);
    for (const secret of ['NG1 1AA', '1 Test Street', 'Testtown', '01632960999', 'C84001', 'postcode', 'gp']) expect(stored).not.toContain(secret);
    expect(result.detail.pds).toEqual({ family: 'Baker', given: ['Amy'], birthDate: '2001-02-03', gender: 'female' });
  });

  it('keeps the postcode and GP of a person who is not restricted', () => {
    const result = decideMatch(full, entry(A, 1), 'fuzzy', undefined);
    expect(result.detail).toMatchObject({ search: 'fuzzy', pds: { postcode: 'NG1 1AA', gp: 'C84001' } });
  });

  it('records why the held number differs', () => {
    expect(decideMatch({ ...full, nhsNumber: B }, entry(A, 1), 'non-fuzzy', 'superseded').detail.heldNumberStatus).toBe('superseded');
  });
});

describe('multiple and no-match', () => {
  it('lists at most five candidates; TOO_MANY_MATCHES lists none', () => {
    const six = [1, 2, 3, 4, 5, 6].map((n) => entry(testNhsNumber(n), 1));
    expect((multipleResult({ kind: 'multiple', candidates: six, tooManyMatches: false }, 'non-fuzzy').detail.candidates as unknown[])).toHaveLength(5);
    expect(multipleResult({ kind: 'multiple', candidates: [], tooManyMatches: true }, 'fuzzy')).toEqual({ outcome: 'multiple', statusCode: '04', detail: { search: 'fuzzy', tooManyMatches: true } });
  });

  it('no-match carries status 04 and the best score seen', () => {
    expect(noMatchResult('below-threshold', ['non-fuzzy', 'fuzzy'], entry(A, 0.7))).toEqual({
      outcome: 'no-match', statusCode: '04', score: 0.7, detail: { reason: 'below-threshold', searches: ['non-fuzzy', 'fuzzy'], bestScore: 0.7 },
    });
  });
});

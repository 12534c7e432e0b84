// Reading and writing dates in suppliers' patterns: real calendar days only, local times in
// Europe/London across the clock changes, and every written value reads back as itself.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateArb } from '../../../test/support/social-care-records.ts';
import { compileFormat, DateCodec } from './date-format.ts';

const uk = new DateCodec({ dateFormats: ['dd/MM/yyyy', 'yyyyMMdd', 'dd-MMM-yyyy'], dateTimeFormats: ['dd/MM/yyyy HH:mm:ss', 'dd/MM/yyyy HH:mm'], timeZone: 'Europe/London' });
const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeZoneName: 'short' });
/** Local times in the hour the clocks go back name two instants; the round trip holds everywhere else. */
const unambiguousInLondon = (t: string) => {
  const zone = (ms: number) => london.formatToParts(ms).find((p) => p.type === 'timeZoneName')!.value;
  const at = Date.parse(t);
  return zone(at - 3_600_000) === zone(at + 3_600_000);
};
const dateTimeArb = fc.tuple(fc.integer({ min: -18_000, max: 22_000 }), fc.integer({ min: 0, max: 86_399 }))
  .map(([d, s]) => new Date(d * 86_400_000 + s * 1000).toISOString().slice(0, 19) + 'Z');
const iso = new DateCodec({ dateFormats: ['ISO'], dateTimeFormats: ['ISO'], timeZone: 'UTC' });

describe('DateCodec', () => {
  it('reads each of a profile\'s patterns into a FHIR date', () => {
    expect(uk.readDate('05/03/2024')).toBe('2024-03-05');
    expect(uk.readDate('20240305')).toBe('2024-03-05');
    expect(uk.readDate('05-mar-2024')).toBe('2024-03-05');
    expect(uk.readDate('29/02/2024')).toBe('2024-02-29');
  });

  it('refuses days that do not exist and text in no pattern', () => {
    for (const bad of ['01/01/0000', '31/02/2024', '29/02/2023', '00/01/2024', '2024-03-05', '5/3/2024', '05-Mxr-2024', '05/13/2024', 'yesterday', '']) {
      expect(uk.readDate(bad), bad).toBeUndefined();
    }
    expect(iso.readDate('2024-02-30')).toBeUndefined();
    expect(iso.readDateTime('2024-03-05T25:00:00Z')).toBeUndefined();
    expect(iso.readDateTime('2024-03-05T10:00:00')).toBeUndefined();
  });

  it('reads local times in Europe/London as UTC, in winter (GMT) and summer (BST)', () => {
    expect(uk.readDateTime('15/01/2024 09:30:00')).toBe('2024-01-15T09:30:00Z');
    expect(uk.readDateTime('15/07/2024 09:30')).toBe('2024-07-15T08:30:00Z');
    // The night the clocks go forward (31 March 2024, 01:00 GMT → 02:00 BST).
    expect(uk.readDateTime('31/03/2024 00:30:00')).toBe('2024-03-31T00:30:00Z');
    expect(uk.readDateTime('31/03/2024 03:00:00')).toBe('2024-03-31T02:00:00Z');
    expect(uk.readDateTime('05/03/2024')).toBe('2024-03-05');
  });

  it('keeps ISO values with their offsets as FHIR dateTimes', () => {
    expect(iso.readDateTime('2024-07-15T09:30:00+01:00')).toBe('2024-07-15T09:30:00+01:00');
    expect(iso.readDateTime('2024-07-15')).toBe('2024-07-15');
  });

  it('writes what it reads: dates and UTC dateTimes round-trip through local time', () => {
    fc.assert(fc.property(dateArb, (d) => uk.readDate(uk.writeDate(d)) === d && iso.readDate(iso.writeDate(d)) === d));
    fc.assert(fc.property(dateTimeArb.filter(unambiguousInLondon), (t) => {
      expect(uk.readDateTime(uk.writeDateTime(t))).toBe(t);
      expect(iso.readDateTime(iso.writeDateTime(t))).toBe(t);
    }));
    expect(uk.writeDateTime('2024-07-15T08:30:00Z')).toBe('15/07/2024 09:30:00');
  });

  it('in the hour that repeats when the clocks go back, a local time means the later (GMT) instant', () => {
    expect(uk.writeDateTime('2024-10-27T00:30:00Z')).toBe('27/10/2024 01:30:00');
    expect(uk.writeDateTime('2024-10-27T01:30:00Z')).toBe('27/10/2024 01:30:00');
    expect(uk.readDateTime('27/10/2024 01:30:00')).toBe('2024-10-27T01:30:00Z');
  });

  it('writes local time as Intl does every ten minutes across both clock changes (offsets are remembered per day)', () => {
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit' });
    for (const day of ['2024-03-30', '2024-03-31', '2024-10-26', '2024-10-27', '1995-10-22']) {
      for (let at = Date.parse(`${day}T00:00:00Z`), end = at + 2 * 86_400_000; at < end; at += 600_000) {
        const expected = local.format(at).replace(',', '');
        expect(uk.writeDateTime(new Date(at).toISOString().slice(0, 19) + 'Z'), new Date(at).toISOString()).toBe(expected);
      }
    }
  });

  it('a pattern without a year, month and day is refused', () => {
    expect(() => compileFormat('dd/MM')).toThrow(/yyyy/);
    expect(compileFormat('yyyyMMddHHmm').parse('202403051530')).toEqual({ year: 2024, month: 3, day: 5, hour: 15, minute: 30, second: 0 });
  });
});

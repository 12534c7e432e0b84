import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDateRange } from './date-range.ts';

const utc = (s: string) => Date.parse(s);

describe('parseDateRange', () => {
  it.each([
    ['2020', '2020-01-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    ['2020-02', '2020-02-01T00:00:00Z', '2020-03-01T00:00:00Z'],
    ['2020-12', '2020-12-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    ['2024-02-29', '2024-02-29T00:00:00Z', '2024-03-01T00:00:00Z'],
    ['2020-01-01T10:00', '2020-01-01T10:00:00Z', '2020-01-01T10:01:00Z'],
    ['2020-01-01T10:00:30Z', '2020-01-01T10:00:30Z', '2020-01-01T10:00:31Z'],
    ['2020-01-01T10:00:30+01:00', '2020-01-01T09:00:30Z', '2020-01-01T09:00:31Z'],
    ['2020-01-01T10:00:30.5Z', '2020-01-01T10:00:30.500Z', '2020-01-01T10:00:30.600Z'],
    ['2020-01-01T10:00:30.123Z', '2020-01-01T10:00:30.123Z', '2020-01-01T10:00:30.124Z'],
  ])('%s is [%s, %s)', (value, low, high) => {
    expect(parseDateRange(value)).toEqual({ low: utc(low), high: utc(high) });
  });

  it.each(['', '20', '2020-13', '2020-02-30', '2023-02-29', '2020-01-01T25:00', 'yesterday', '2020-1-1', '2020-01-01T10:61'])(
    'refuses %j',
    (value) => {
      expect(parseDateRange(value)).toBeUndefined();
    },
  );

  it('keeps years before 100 literal', () => {
    expect(new Date(parseDateRange('0050')!.low).getUTCFullYear()).toBe(50);
  });

  it('a more precise date always lies inside its less precise prefix (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1800-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const forms = [iso.slice(0, 4), iso.slice(0, 7), iso.slice(0, 10), iso.slice(0, 16), iso.slice(0, 19) + 'Z', iso];
        const ranges = forms.map((f) => parseDateRange(f)!);
        for (let i = 1; i < ranges.length; i++) {
          expect(ranges[i]!.low).toBeGreaterThanOrEqual(ranges[i - 1]!.low);
          expect(ranges[i]!.high).toBeLessThanOrEqual(ranges[i - 1]!.high);
          expect(ranges[i]!.low).toBeLessThan(ranges[i]!.high);
        }
        expect(ranges[ranges.length - 1]!.low).toBe(d.getTime());
      }),
    );
  });
});

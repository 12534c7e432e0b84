// How the IG and matching pages write dates, times and NHS numbers: UK style, in London time,
// and NHS numbers in the 3-3-4 groups people read them in.

const LONDON = 'Europe/London';

/** 22 Nov 2026, 20:46 */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: LONDON });
}

/** ["22 Nov 2026", "20:46"]: a moment on two short lines, for narrow table columns. */
export function dateAndTime(iso: string): [string, string] {
  const at = new Date(iso);
  return [
    at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: LONDON }),
    at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: LONDON }),
  ];
}

/** 3 March 1984, from a FHIR date (no time, so no time zone). */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) return date;
  return new Date(Date.UTC(year, month - 1, day)).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export { formatNhsNumber, isValidNhsNumber } from '../../../../src/fhir/nhs-number.ts';

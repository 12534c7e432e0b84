// Calendar arithmetic for the generator: dates are whole UTC days since 1970-01-01, so histories
// are cheap to build and never depend on the machine's clock or time zone.

const MS_PER_DAY = 86_400_000;

/** The date the synthetic world is "as of"; fixed so output never depends on when it was generated. */
export const DEFAULT_AS_OF = '2025-06-30';

/** Day number of an ISO date (YYYY-MM-DD). */
export function dayOf(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / MS_PER_DAY);
}

/** FHIR `date`: YYYY-MM-DD. */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** FHIR `dateTime`/`instant` with seconds and a zone, at the given minute of the day. */
export function isoDateTime(day: number, minuteOfDay = 0): string {
  return new Date(day * MS_PER_DAY + minuteOfDay * 60_000).toISOString().slice(0, 19) + 'Z';
}

export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** Whole years between a birth day and another day. */
export function ageOn(birthDay: number, day: number): number {
  const birth = new Date(birthDay * MS_PER_DAY);
  const on = new Date(day * MS_PER_DAY);
  let age = on.getUTCFullYear() - birth.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < birth.getUTCMonth() ||
    (on.getUTCMonth() === birth.getUTCMonth() && on.getUTCDate() < birth.getUTCDate());
  if (beforeBirthday) age--;
  return age;
}

/** Day number of the same calendar day `years` later (29 Feb falls back to 28 Feb). */
export function addYears(day: number, years: number): number {
  const d = new Date(day * MS_PER_DAY);
  const target = new Date(Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate()));
  if (target.getUTCMonth() !== d.getUTCMonth()) target.setUTCDate(0);
  return Math.floor(target.getTime() / MS_PER_DAY);
}

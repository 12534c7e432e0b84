// Reading a date of birth typed in the NHS.UK date input (day, month, year boxes), with the
// pattern's error messages: which part is missing, a date that does not exist, one in the future.
// See: https://service-manual.nhs.uk/design-system/components/date-input

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

export type DatePart = keyof DateParts;

export type DateReading = { date: string } | { problem: string; parts: DatePart[] };

export function readDateOfBirth(parts: DateParts, today: Date = new Date()): DateReading {
  const given = { day: parts.day.trim(), month: parts.month.trim(), year: parts.year.trim() };
  const missing = (Object.keys(given) as DatePart[]).filter((k) => !given[k]);
  if (missing.length === 3) return { problem: 'Enter their date of birth', parts: ['day', 'month', 'year'] };
  if (missing.length > 0) return { problem: `Date of birth must include a ${missing.join(' and ')}`, parts: missing };
  const notNumbers = (Object.keys(given) as DatePart[]).filter((k) => !/^\d+$/.test(given[k]));
  if (notNumbers.length > 0) return { problem: 'Date of birth must be a real date', parts: notNumbers };
  if (given.year.length !== 4) return { problem: 'Year must include 4 numbers', parts: ['year'] };
  const [d, m, y] = [Number(given.day), Number(given.month), Number(given.year)];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { problem: 'Date of birth must be a real date', parts: ['day', 'month', 'year'] };
  }
  if (date.getTime() > today.getTime()) return { problem: 'Date of birth must be in the past', parts: ['day', 'month', 'year'] };
  return { date: `${given.year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

// Dates the way NHS.UK writes them for the public: "3 March 2024", "March 2024", "2024", and
// "3 March 2024 at 2:05pm" for when something happened; UK time, whatever the browser's zone.
const ZONE = 'Europe/London';

/** A FHIR date or dateTime in words, at the precision it was recorded with; undefined when absent. */
export function dateInWords(value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (/^\d{4}$/.test(value)) return value;
  if (/^\d{4}-\d{2}$/.test(value)) {
    return new Date(`${value}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return undefined;
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: ZONE });
}

/** An instant in words with its time: "3 March 2024 at 2:05pm". */
export function momentInWords(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  const time = date.toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: ZONE }).replace(/\s/g, '').toLowerCase();
  return `${dateInWords(value)} at ${time}`;
}

/** "from 3 March 2024 to 5 March 2024", "from 3 March 2024", or undefined. */
export function periodInWords(start: string | undefined, end: string | undefined): string | undefined {
  const from = dateInWords(start);
  const to = dateInWords(end);
  if (from && to) return from === to ? from : `${from} to ${to}`;
  if (from) return `from ${from}`;
  return to ? `until ${to}` : undefined;
}

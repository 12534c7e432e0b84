// Times as NHS.UK pages write them ("22 November 2026 at 7:50pm", UK time), also inside the plain
// sentences sharedcare puts in a Task's description, which carry the instant as FHIR writes it.

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

/** "22 November 2026 at 7:50pm"; a plain date stays a date ("22 November 2026"). */
export function timeInWords(value: string | undefined): string {
  if (!value) return 'Not recorded';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const day = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  if (!value.includes('T')) return day;
  const time = at.toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' }).replace(/\s/g, '');
  return `${day} at ${time}`;
}

/** A sentence with its FHIR instants written in words. */
export function instantsInWords(text: string): string {
  return text.replace(ISO_INSTANT, (instant) => timeInWords(instant));
}

// The readable notice sent by secure email to a council that has no system to receive events: one
// self-contained HTML page (no scripts, no remote styles, so mail clients show it as written) saying who
// was admitted, moved or discharged, where and when, and why this council was told.
import { formatNhsNumber } from '../../fhir/nhs-number.ts';
import { normalisePostcode } from './locator-table.ts';
import type { MatchedBy } from './locator.ts';

export type NoticeEvent = 'admission' | 'transfer' | 'discharge';
export type NoticeReason = 'open-episode' | 'address';

/** Plain values for one notice: no FHIR, so any event source can fill it. */
export interface OutOfAreaNoticeInput {
  council: { name: string; gss: string };
  person: {
    name: string;
    nhsNumber?: string;
    /** `YYYY-MM-DD`. */
    birthDate?: string;
    addressLines: readonly string[];
    postcode: string;
  };
  hospital: { name: string; ward?: string };
  event: NoticeEvent;
  /** When it happened, as an ISO 8601 date-time; shown in UK time. */
  occurredAt: string;
  /** Why this council: it has an open episode of care for the person, or the locator matched the address. */
  reason: NoticeReason;
  /** With reason `address`: how the locator matched it (see locator.ts). */
  matchedBy?: MatchedBy;
  /** Who at the hospital to contact, e.g. the discharge team. */
  contact: { name: string; phone?: string; email?: string };
  /** The sender's reference for replies; carries no personal data. */
  reference?: string;
}

const EVENT_WORDS: Record<NoticeEvent, { title: string; verb: string }> = {
  admission: { title: 'Hospital admission', verb: 'was admitted to' },
  transfer: { title: 'Hospital transfer', verb: 'was transferred to' },
  discharge: { title: 'Hospital discharge', verb: 'was discharged from' },
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place in HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function reasonFor(input: OutOfAreaNoticeInput): string {
  if (input.reason === 'open-episode') return 'Your council has an open episode of care for this person in the shared record.';
  const postcode = normalisePostcode(input.person.postcode) ?? input.person.postcode;
  const [outward = '', inward = ''] = postcode.split(' ');
  const table = 'is in your area in our locator table';
  switch (input.matchedBy) {
    case undefined:
      return `Their address ${table}.`;
    case 'property':
      return `Their postcode, ${postcode}, is shared with another council; this property ${table}.`;
    case 'postcode':
      return `Their postcode, ${postcode}, ${table}.`;
    case 'sector':
      return `Their postcode sector, ${outward} ${inward.charAt(0)}, ${table}.`;
    case 'district':
      return `Their postcode district, ${outward}, ${table}.`;
    case 'area':
      return `Their postcode area, ${outward.replace(/[0-9].*$/, '')}, ${table} (a coarse match).`;
  }
}

function formatDate(value: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) return value;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(ms);
}

function formatMoment(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' }).format(ms);
}

function row(label: string, value: string | undefined): string {
  return value ? `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>` : '';
}

function contactLine(contact: OutOfAreaNoticeInput['contact']): string {
  const ways = [contact.phone && `telephone ${contact.phone}`, contact.email && `email ${contact.email}`].filter(Boolean).join(' or ');
  return `Please contact ${contact.name}${ways ? `, ${ways}` : ''}.`;
}

const STYLE = 'body{font-family:Arial,Helvetica,sans-serif;color:#212b32;max-width:40em;margin:1em auto;padding:0 1em;line-height:1.5}'
  + 'h1{font-size:1.5em}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4em;border-bottom:1px solid #d8dde0}'
  + 'th{width:35%}.small{font-size:.9em;color:#4c6272}';

/** The notice as an HTML document, and an email subject that carries no personal data. */
export function renderOutOfAreaNotice(input: OutOfAreaNoticeInput): { html: string; subject: string } {
  const words = EVENT_WORDS[input.event];
  const { person, hospital } = input;
  const place = hospital.ward ? `${hospital.ward}, ${hospital.name}` : hospital.name;
  const when = formatMoment(input.occurredAt);
  // Subjects show in inbox lists and notifications, so they name the council and hospital, never the person.
  // Control characters are dropped so no value can start a new mail header.
  const subject = `${words.title}: a ${input.council.name} resident at ${hospital.name}${input.reference ? ` (ref ${input.reference})` : ''}`
    .replace(/[\u0000-\u001f\u007f]+/g, ' ');
  const details = [
    row('Name', person.name),
    row('NHS number', person.nhsNumber && formatNhsNumber(person.nhsNumber)),
    row('Date of birth', person.birthDate && formatDate(person.birthDate)),
    row('Address', [...person.addressLines, person.postcode].filter((part) => part.trim() !== '').join(', ')),
    row('Hospital', hospital.name),
    row('Ward', hospital.ward),
    row('Event', words.title),
    row('When', when),
    row('Reference', input.reference),
  ].join('');
  const html = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(words.title)}: a resident of ${escapeHtml(input.council.name)}</h1>
<p>${escapeHtml(person.name)} ${escapeHtml(words.verb)} ${escapeHtml(place)} on ${escapeHtml(when)}.</p>
<table>${details}</table>
<h2>Why you are receiving this</h2>
<p>${escapeHtml(reasonFor(input))} If this is not right, please tell us so we can correct our records.</p>
<h2>Contact</h2>
<p>${escapeHtml(contactLine(input.contact))}</p>
<p class="small">Sent to ${escapeHtml(input.council.name)} (${escapeHtml(input.council.gss)}) because it has no system that receives these notices electronically. This message contains personal data: keep it secure.</p>
</body>
</html>
`;
  return { html, subject };
}

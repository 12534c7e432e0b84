// Reading values out of a parsed HL7 v2 message: components by 1-based position with escape
// sequences undone, and HL7 DTM/TS dates turned into FHIR dates that keep their precision.
// See: https://hl7-definition.caristix.com/v2/HL7v2.5.1/DataTypes/DTM
import type { Hl7Context, Hl7Segment } from '@medplum/core';
import { hl7Invalid } from './hl7-errors.ts';

/** HL7's explicit null: a field sent as "" means "remove the value"; an empty field means "no change". */
export const HL7_NULL = '""';

/** Undoes HL7 escape sequences (\F\ \S\ \T\ \R\ \E\ \Xhh\ \.br\); other sequences are dropped. */
export function unescapeHl7(value: string, ctx: Hl7Context): string {
  const esc = ctx.escapeCharacter;
  if (!esc || !value.includes(esc)) return value;
  const pattern = new RegExp(`${escapeRegExp(esc)}([^${escapeRegExp(esc)}]*)${escapeRegExp(esc)}`, 'g');
  return value.replace(pattern, (_, seq: string) => {
    switch (seq) {
      case 'F': return ctx.fieldSeparator;
      case 'S': return ctx.componentSeparator;
      case 'T': return ctx.subcomponentSeparator;
      case 'R': return ctx.repetitionSeparator;
      case 'E': return esc;
      case '.br': return '\n';
      default:
        if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) return Buffer.from(seq.slice(1), 'hex').toString('latin1');
        return '';
    }
  });
}

/** Escapes text placed into an HL7 field (acknowledgement texts). */
export function escapeHl7(value: string, ctx: Hl7Context): string {
  const esc = ctx.escapeCharacter;
  let out = '';
  for (const ch of value.replace(/[\r\n]+/g, ' ')) {
    if (ch === esc) out += `${esc}E${esc}`;
    else if (ch === ctx.fieldSeparator) out += `${esc}F${esc}`;
    else if (ch === ctx.componentSeparator) out += `${esc}S${esc}`;
    else if (ch === ctx.subcomponentSeparator) out += `${esc}T${esc}`;
    else if (ch === ctx.repetitionSeparator) out += `${esc}R${esc}`;
    else out += ch;
  }
  return out;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/** How many repetitions a field has (0 when it is absent or empty). */
export function repetitionCount(segment: Hl7Segment | undefined, field: number): number {
  const f = segment?.getField(field);
  if (!f) return 0;
  return f.components.length === 1 && f.components[0]!.every((c) => c === '') ? 0 : f.components.length;
}

/** One component (1-based) of one repetition (0-based), optionally one subcomponent (1-based), unescaped; '' when absent. */
export function value(segment: Hl7Segment | undefined, field: number, component = 1, repetition = 0, subcomponent?: number): string {
  if (!segment) return '';
  const raw = segment.getField(field)?.components[repetition]?.[component - 1] ?? '';
  const part = subcomponent === undefined ? raw : (raw.split(segment.context.subcomponentSeparator)[subcomponent - 1] ?? '');
  return unescapeHl7(part, segment.context).trim();
}

/** The value, or undefined when it is empty or HL7's explicit null. */
export function present(text: string): string | undefined {
  return text === '' || text === HL7_NULL ? undefined : text;
}

const DTM = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

const offsetCache = new Map<string, number>();

/** Minutes east of UTC in `timeZone` at the instant `ms` (zones change offset on the hour, so cached per hour). */
function zoneOffset(ms: number, timeZone: string): number {
  const key = `${timeZone} ${Math.floor(ms / 3_600_000)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  if (offsetCache.size > 10_000) offsetCache.clear();
  const offset = computeZoneOffset(ms, timeZone);
  offsetCache.set(key, offset);
  return offset;
}

function computeZoneOffset(ms: number, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, format);
  }
  const name = format.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * An HL7 date/time as a FHIR dateTime of the same precision (2024, 2024-03, 2024-03-01, or a time
 * with seconds and zone). A time without a zone is local time in `timeZone` (UK PAS feeds send
 * local time). Empty or "" → undefined; anything malformed throws INGEST_HL7_DATE at `location`.
 */
export function hl7DateTime(raw: string, location: string, timeZone = 'Europe/London'): string | undefined {
  if (present(raw) === undefined) return undefined;
  const m = DTM.exec(raw);
  const bad = () => hl7Invalid('INGEST_HL7_DATE', `${location} is not a valid HL7 date/time`, location);
  if (!m) throw bad();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((s) => (s === undefined ? undefined : Number(s)));
  const probe = new Date(Date.UTC(year!, (month ?? 1) - 1, day ?? 1, hour ?? 0, minute ?? 0, second ?? 0));
  const valid = probe.getUTCFullYear() === year && probe.getUTCMonth() === (month ?? 1) - 1 && probe.getUTCDate() === (day ?? 1)
    && probe.getUTCHours() === (hour ?? 0) && probe.getUTCMinutes() === (minute ?? 0) && (second ?? 0) < 60 && year! >= 1800;
  if (!valid) throw bad();
  if (month === undefined) return String(year);
  if (day === undefined) return `${year}-${pad(month)}`;
  const date = `${year}-${pad(month)}-${pad(day)}`;
  if (hour === undefined) return date;
  const fraction = m[7] ? `.${m[7]}` : '';
  const wall = probe.getTime();
  let offset: number;
  if (m[8]) {
    offset = (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(3, 5)));
  } else {
    // The offset in force at that wall-clock time: guess with the wall time, then correct once.
    offset = zoneOffset(wall - zoneOffset(wall, timeZone) * 60_000, timeZone);
  }
  return `${date}T${pad(hour)}:${pad(minute ?? 0)}:${pad(second ?? 0)}${fraction}${formatOffset(offset)}`;
}

/** An HL7 date (or date/time, whose time is dropped) as a FHIR date, e.g. a date of birth. */
export function hl7Date(raw: string, location: string): string | undefined {
  if (present(raw) === undefined) return undefined;
  const datePart = /^\d{8}/.test(raw) ? raw.slice(0, 8) : raw;
  if (!/^\d{4}(\d{2}(\d{2})?)?$/.test(datePart)) throw hl7Invalid('INGEST_HL7_DATE', `${location} is not a valid HL7 date`, location);
  return hl7DateTime(datePart, location);
}

/** Milliseconds since the epoch of a FHIR date/dateTime (the start of a partial date), for ordering. */
export function instantOf(fhirDateTime: string): number {
  if (/^\d{4}$/.test(fhirDateTime)) return Date.UTC(Number(fhirDateTime), 0, 1);
  if (/^\d{4}-\d{2}$/.test(fhirDateTime)) return Date.parse(`${fhirDateTime}-01T00:00:00Z`);
  if (/^\d{4}-\d{2}-\d{2}$/.test(fhirDateTime)) return Date.parse(`${fhirDateTime}T00:00:00Z`);
  return Date.parse(fhirDateTime);
}

/** A FHIR dateTime (or instant) as an HL7 DTM with seconds and zone, for messages we write. */
export function toHl7DateTime(fhirDateTime: string): string {
  const ms = instantOf(fhirDateTime);
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14) + '+0000';
}

// Dates as council systems write them (05/03/2024, 20240305, 05-Mar-2024, local times in
// Europe/London) read into FHIR date and dateTime strings, and written back the same way.
// Patterns use yyyy, MM, MMM, dd, HH, mm, ss; "ISO" means FHIR's own date/dateTime formats.
// See: https://hl7.org/fhir/R4/datatypes.html#dateTime

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TOKENS: ReadonlyArray<readonly [string, string]> = [
  ['yyyy', '(\\d{4})'], ['MMM', '([A-Za-z]{3})'], ['MM', '(\\d{2})'], ['dd', '(\\d{2})'], ['HH', '(\\d{2})'], ['mm', '(\\d{2})'], ['ss', '(\\d{2})'],
];
const FHIR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FHIR_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

export interface CompiledFormat {
  readonly pattern: string;
  readonly hasTime: boolean;
  parse(text: string): Parts | undefined;
  format(parts: Parts): string;
}

/** Compiles a pattern such as `dd/MM/yyyy HH:mm`; throws on a pattern without a year, month and day. */
export function compileFormat(pattern: string): CompiledFormat {
  const order: string[] = [];
  let regex = '';
  for (let i = 0; i < pattern.length;) {
    const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
    if (token) {
      order.push(token[0]);
      regex += token[1];
      i += token[0].length;
    } else {
      regex += pattern[i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    }
  }
  if (!order.includes('yyyy') || !(order.includes('MM') || order.includes('MMM')) || !order.includes('dd')) {
    throw new Error(`Date pattern '${pattern}' needs yyyy, MM (or MMM) and dd`);
  }
  const matcher = new RegExp(`^${regex}$`);
  const hasTime = order.includes('HH');
  return {
    pattern,
    hasTime,
    parse(text) {
      const m = matcher.exec(text);
      if (!m) return undefined;
      const parts: Parts = { year: 0, month: 0, day: 0 };
      order.forEach((token, i) => assign(parts, token, m[i + 1]!));
      return hasTime ? { hour: 0, minute: 0, second: 0, ...parts } : parts;
    },
    format(parts) {
      const values: Record<string, string> = {
        yyyy: String(parts.year).padStart(4, '0'), MM: pad(parts.month), MMM: MONTHS[parts.month - 1]!, dd: pad(parts.day),
        HH: pad(parts.hour ?? 0), mm: pad(parts.minute ?? 0), ss: pad(parts.second ?? 0),
      };
      let out = '';
      for (let i = 0; i < pattern.length;) {
        const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
        if (token) {
          out += values[token[0]];
          i += token[0].length;
        } else {
          out += pattern[i];
          i++;
        }
      }
      return out;
    },
  };
}

function assign(parts: Parts, token: string, value: string): void {
  switch (token) {
    case 'yyyy': parts.year = Number(value); break;
    case 'MMM': parts.month = MONTHS.findIndex((m) => m.toLowerCase() === value.toLowerCase()) + 1; break;
    case 'MM': parts.month = Number(value); break;
    case 'dd': parts.day = Number(value); break;
    case 'HH': parts.hour = Number(value); break;
    case 'mm': parts.minute = Number(value); break;
    case 'ss': parts.second = Number(value); break;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');

function isRealDate(p: Parts): boolean {
  // FHIR has no year 0000.
  if (p.year < 1 || p.month < 1 || p.month > 12 || p.day < 1) return false;
  const last = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  if (p.day > last) return false;
  return (p.hour ?? 0) < 24 && (p.minute ?? 0) < 60 && (p.second ?? 0) < 60;
}

const isoDate = (p: Parts) => `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;

/** How one profile reads and writes dates: its patterns (first one is written) and the zone of its local times. */
export class DateCodec {
  private readonly dates: readonly CompiledFormat[];
  private readonly dateTimes: readonly CompiledFormat[];
  private readonly zone: ZoneOffsets;
  private readonly isoDates: boolean;
  private readonly isoDateTimes: boolean;

  constructor(options: { dateFormats: readonly string[]; dateTimeFormats: readonly string[]; timeZone: string }) {
    this.isoDates = options.dateFormats.includes('ISO');
    this.isoDateTimes = options.dateTimeFormats.includes('ISO');
    this.dates = options.dateFormats.filter((f) => f !== 'ISO').map(compileFormat);
    this.dateTimes = options.dateTimeFormats.filter((f) => f !== 'ISO').map(compileFormat);
    this.zone = new ZoneOffsets(options.timeZone);
  }

  /** A FHIR date (YYYY-MM-DD), or undefined when the text is in none of the date patterns or not a real day. */
  readDate(text: string): string | undefined {
    if (this.isoDates) {
      const m = FHIR_DATE.exec(text);
      if (m) {
        const p = { year: +m[1]!, month: +m[2]!, day: +m[3]! };
        if (isRealDate(p)) return text;
      }
    }
    for (const format of this.dates) {
      const p = format.parse(text);
      if (p && isRealDate(p)) return isoDate(p);
    }
    return undefined;
  }

  /** A FHIR dateTime in UTC (…Z), or a date when the text holds only a date. */
  readDateTime(text: string): string | undefined {
    if (this.isoDateTimes) {
      const m = FHIR_DATE_TIME.exec(text);
      if (m && isRealDate({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! }) && !Number.isNaN(Date.parse(text))) return text;
    }
    for (const format of this.dateTimes) {
      const p = format.parse(text);
      if (p && isRealDate(p)) return new Date(this.zone.toUtc(p)).toISOString().slice(0, 19) + 'Z';
    }
    return this.readDate(text);
  }

  writeDate(value: string): string {
    if (this.isoDates || this.dates.length === 0) return value;
    const m = FHIR_DATE.exec(value);
    return m ? this.dates[0]!.format({ year: +m[1]!, month: +m[2]!, day: +m[3]! }) : value;
  }

  /** Writes a FHIR date or dateTime in the profile's first pattern, as local time in its zone. */
  writeDateTime(value: string): string {
    if (FHIR_DATE.test(value)) return this.writeDate(value);
    if (this.isoDateTimes || this.dateTimes.length === 0) return value;
    const instant = Date.parse(value);
    if (Number.isNaN(instant)) return value;
    return this.dateTimes[0]!.format(this.zone.fromUtc(instant));
  }
}

const DAY_MS = 86_400_000;

/** Wall-clock time in a named zone ↔ UTC instants, through Intl (Europe/London's summer time included). */
class ZoneOffsets {
  /** Absent for UTC, whose offset is always 0. */
  private readonly formatter?: Intl.DateTimeFormat;
  /** UTC day → the zone's offset all that day (NaN on a day the clocks change): Intl costs ~10 µs a call. */
  private readonly dayOffsets = new Map<number, number>();

  constructor(timeZone: string) {
    if (timeZone !== 'UTC') {
      this.formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit' });
    }
  }

  fromUtc(instant: number): Parts {
    const d = new Date(instant + this.offset(instant));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }

  /** The instant a local wall-clock time names; in the hour that repeats when the clocks go back, the later one. */
  toUtc(p: Parts): number {
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
    return asUtc - this.offset(asUtc - this.offset(asUtc));
  }

  private offset(instant: number): number {
    if (!this.formatter) return 0;
    const day = Math.floor(instant / DAY_MS);
    let offset = this.dayOffsets.get(day);
    if (offset === undefined) {
      const start = this.exactOffset(day * DAY_MS);
      offset = start === this.exactOffset((day + 1) * DAY_MS - 1000) ? start : Number.NaN;
      if (this.dayOffsets.size >= 50_000) this.dayOffsets.clear();
      this.dayOffsets.set(day, offset);
    }
    return Number.isNaN(offset) ? this.exactOffset(instant) : offset;
  }

  private exactOffset(instant: number): number {
    const parts = this.formatter!.formatToParts(instant);
    const value = (type: string) => Number(parts.find((p) => p.type === type)!.value);
    return Date.UTC(value('year'), value('month') - 1, value('day'), value('hour'), value('minute'), value('second')) - Math.floor(instant / 1000) * 1000;
  }
}

// FHIR dates are ranges: "2020" means all of 2020. Index and search both turn a date/dateTime/
// instant into a half-open range [low, high) in epoch milliseconds, so precision semantics hold.
// See: https://hl7.org/fhir/R4/search.html#date

export interface DateRange {
  low: number;
  /** Exclusive upper bound. */
  high: number;
}

const DATE_PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Parses a FHIR date, dateTime or instant (or a search date value, which may omit seconds). */
export function parseDateRange(value: string): DateRange | undefined {
  const m = DATE_PATTERN.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const year = Number(y);
  if (year === 0) return undefined; // FHIR has no year 0000
  const month = mo ? Number(mo) : undefined;
  const day = d ? Number(d) : undefined;
  if (month !== undefined && (month < 1 || month > 12)) return undefined;
  if (day !== undefined && (day < 1 || day > daysInMonth(year, month!))) return undefined;
  if (h === undefined) {
    // No time part: the range is the whole year, month or day, taken in UTC.
    const low = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    const high =
      day !== undefined ? Date.UTC(year, month! - 1, day + 1) : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    return { low: fixYear(low, year), high };
  }
  const hour = Number(h);
  const minute = Number(mi);
  if (hour > 24 || minute > 59 || (s !== undefined && Number(s) > 60)) return undefined;
  const offsetMs = tz && tz !== 'Z' ? offsetOf(tz) : 0;
  const base = Date.UTC(year, month! - 1, day!, hour, minute, s ? Number(s) : 0) - offsetMs;
  if (s === undefined) return { low: fixYear(base, year), high: base + 60_000 };
  if (!frac) return { low: fixYear(base, year), high: base + 1000 };
  // Fractional seconds: precision is the number of digits given (at millisecond resolution).
  const digits = Math.min(frac.length - 1, 3);
  const ms = Math.floor(Number(frac) * 1000);
  const low = base + ms;
  return { low: fixYear(low, year), high: low + Math.max(1, 10 ** (3 - digits)) };
}

// Date.UTC maps years 0–99 onto 1900–1999; FHIR years are literal.
function fixYear(ms: number, year: number): number {
  if (year >= 100) return ms;
  const d = new Date(ms);
  d.setUTCFullYear(year);
  return d.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function offsetOf(tz: string): number {
  const sign = tz[0] === '-' ? -1 : 1;
  return sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
}

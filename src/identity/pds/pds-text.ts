// How the stand-in compares what a search sends with what it holds: names and postcodes without
// case, spaces or punctuation, phones by their digits, and `*` wildcards.

// Letters NFD does not split into a base letter and an accent.
const FOLD: Record<string, string> = { Ł: 'L', ł: 'l', Ø: 'O', ø: 'o', Æ: 'AE', æ: 'ae', ß: 'SS', Đ: 'D', đ: 'd', Œ: 'OE', œ: 'oe' };

/**
 * A name as the stand-in compares it: upper case A–Z only (accents folded; apostrophes, hyphens and
 * spaces dropped), keeping `*`. PDS itself ignores case; the rest is the stand-in's simplification.
 */
export function normaliseName(value: string): string {
  return value.replace(/[ŁłØøÆæßĐđŒœ]/g, (c) => FOLD[c] ?? c).normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toUpperCase().replace(/[^A-Z*]/g, '');
}

/** Postcode without spaces, upper case (PDS ignores the space). */
export function normalisePostcode(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9*]/g, '');
}

/** Phone as digits, +44 written as the national 0. */
export function normalisePhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.startsWith('44') && digits.length === 12 ? `0${digits.slice(2)}` : digits;
}

export function hasWildcard(value: string): boolean {
  return value.includes('*');
}

/** True when a normalised value matches a normalised pattern, `*` standing for any run of characters. */
export function wildcardMatches(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

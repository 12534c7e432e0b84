// Makes identifying details from different systems comparable: names without case, accents and
// punctuation; UK postcodes in one spelling; placeholder identities ("BABY BOY", "UNKNOWN") recognised
// so they never drive a link. See: ../shared/reference/linkage.md §2 (NHS England's GIVEN_NAMES_TO_IGNORE).

/** Upper-case A–Z only: accents folded, spaces, hyphens and apostrophes removed; undefined when nothing is left. */
export function normaliseName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const folded = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z]/g, '');
  return folded.length > 0 ? folded : undefined;
}

const TITLES = new Set(['MR', 'MRS', 'MS', 'MISS', 'MX', 'DR', 'PROF', 'REV', 'SIR', 'DAME', 'LADY', 'LORD']);

/** Splits a forename string into normalised words, dropping titles and aliases ("known as"). */
export function forenameWords(raw: string | undefined): string[] {
  if (!raw) return [];
  const words: string[] = [];
  for (const part of raw.split(/[\s,]+/)) {
    const word = normaliseName(part);
    if (word && !TITLES.has(word)) words.push(word);
  }
  return words;
}

// Names that stand for "we don't know this person's name yet" in hospital and social-care systems.
const PLACEHOLDER_NAMES = new Set([
  'UNKNOWN', 'NOTKNOWN', 'UNK', 'NK', 'NONAME', 'UNNAMED', 'BABY', 'BABYBOY', 'BABYGIRL', 'BOY', 'GIRL', 'INFANT',
  'NEWBORN', 'TWIN', 'TWINONE', 'TWINTWO', 'TWINA', 'TWINB', 'TWIN1', 'TWIN2', 'TRIPLET', 'MALE', 'FEMALE', 'PATIENT',
  'TEST', 'TESTPATIENT', 'XX', 'XXX', 'ZZZ', 'JOHNDOE', 'JANEDOE', 'DOE', 'ANON', 'ANONYMOUS', 'AKA', 'KNOWNAS',
]);

/** True when a normalised name is a placeholder rather than a person's name. */
export function isPlaceholderName(name: string | undefined): boolean {
  return name !== undefined && (PLACEHOLDER_NAMES.has(name) || /^(BABY|TWIN|TRIPLET)/.test(name));
}

// Dates some systems store for "date of birth unknown".
const PLACEHOLDER_BIRTH_DATES = new Set(['1900-01-01', '1800-01-01', '1901-01-01', '1899-12-31', '2099-12-31']);

/** A full `YYYY-MM-DD` date that is not a known placeholder, else undefined. */
export function normaliseBirthDate(raw: string | undefined): string | undefined {
  if (!raw || !/^\d{4}-\d{2}-\d{2}$/.test(raw)) return undefined;
  return raw;
}

export function isPlaceholderBirthDate(date: string | undefined): boolean {
  return date !== undefined && PLACEHOLDER_BIRTH_DATES.has(date);
}

// Outward code (area letters, district digit, optional letter/digit) and inward code (digit + two letters).
const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

/** A well-formed UK postcode as `OUTCODE INCODE` (e.g. `E8 1AA`); O/0 and I/1 typed in the wrong place are fixed. */
export function normalisePostcode(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (compact.length < 5 || compact.length > 7) return undefined;
  const inward = compact.slice(-3);
  // The inward code is digit-letter-letter: a letter O in the digit place is a zero, and so on.
  const fixedInward = inward[0].replace('O', '0').replace('I', '1') + inward.slice(1).replace(/0/g, 'O').replace(/1/g, 'I');
  const outward = compact.slice(0, -3);
  const fixedOutward = outward[0].replace('0', 'O') + outward.slice(1);
  const match = POSTCODE.exec(fixedOutward + fixedInward);
  return match ? `${match[1]} ${match[2]}` : undefined;
}

/** The parts of a postcode that matching compares at coarser levels. */
export function postcodeParts(postcode: string): { outcode: string; sector: string; area: string } {
  const [outcode, inward] = postcode.split(' ');
  return { outcode, sector: `${outcode} ${inward[0]}`, area: outcode.replace(/[0-9].*$/, '') };
}

/** Upper-case words separated by single spaces. */
export function normaliseTown(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const town = raw.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/[^A-Z ]/g, '').replace(/\s+/g, ' ').trim();
  return town.length > 0 ? town : undefined;
}

export function normaliseEmail(raw: string | undefined): string | undefined {
  const email = raw?.trim().toLowerCase();
  return email && /^[^@\s]+@[^@\s]+$/.test(email) ? email : undefined;
}

/** UK national form (leading 0), digits only; international +44 and 0044 prefixes folded. */
export function normalisePhone(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let digits = raw.replace(/[^0-9+]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  digits = digits.replace(/\D/g, '');
  return digits.length >= 10 && digits.length <= 11 ? digits : undefined;
}

// The NHS number is the one identifier that joins a person's records across health and social care;
// this module checks its Modulus 11 check digit, spots "unknown" fillers and formats it for display.
// See: ../../../shared/reference/uk-standards.md §1

const WEIGHTS = [10, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** Removes the spaces people type between the 3-3-4 groups. */
function compact(value: string): string {
  return value.replace(/\s+/g, '');
}

/**
 * The Modulus 11 check digit for the first nine digits, or undefined when the check comes out
 * as 10 (such numbers are never issued) or the input is not nine digits.
 * See: https://archive.datadictionary.nhs.uk/DD%20Release%20August%202021/attributes/nhs_number.html
 */
export function nhsNumberCheckDigit(firstNine: string): number | undefined {
  if (!/^\d{9}$/.test(firstNine)) return undefined;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * WEIGHTS[i];
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return undefined;
  return check;
}

/** True when the value (spaces ignored) is ten digits whose last digit is the Modulus 11 check. */
export function isValidNhsNumber(value: string): boolean {
  const digits = compact(value);
  if (!/^\d{10}$/.test(digits)) return false;
  return nhsNumberCheckDigit(digits.slice(0, 9)) === digits.charCodeAt(9) - 48;
}

/**
 * True for ten repeats of one digit (9999999999, 0000000000): fillers some systems store for
 * "unknown". 9999999999 even passes Modulus 11, so reject these as a business rule.
 */
export function isPlaceholderNhsNumber(value: string): boolean {
  return /^(\d)\1{9}$/.test(compact(value));
}

/** Formats ten digits as "999 000 0018"; anything else is returned unchanged. */
export function formatNhsNumber(value: string): string {
  const digits = compact(value);
  if (!/^\d{10}$/.test(digits)) return value;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

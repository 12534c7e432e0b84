// Checking an NHS number before searching, as the NHS does: ten digits (spaces allowed, as people
// write it 3 3 4) whose last digit is the Modulus 11 check digit of the first nine.
// See: https://www.datadictionary.nhs.uk/attributes/nhs_number.html

import { isValidNhsNumber } from '../../../../src/fhir/nhs-number.ts';

/** The digits of a typed NHS number (spaces and dashes dropped), or the message saying what is wrong. */
export function readNhsNumber(typed: string): { nhsNumber: string } | { problem: string } {
  const digits = typed.replace(/[\s-]/g, '');
  if (!digits) return { problem: 'Enter an NHS number' };
  if (!/^\d+$/.test(digits)) return { problem: 'NHS number must contain only numbers' };
  if (digits.length !== 10) return { problem: 'NHS number must be 10 numbers' };
  if (!isValidNhsNumber(digits)) return { problem: 'This is not a valid NHS number. Check the number and try again' };
  return { nhsNumber: digits };
}

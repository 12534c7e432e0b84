// Plain-English phrases for each field's comparison level, so a reviewer reads "date of birth with
// day and month swapped (1971-06-04 / 1971-04-06)" rather than a level code.
import { formatNhsNumber } from '../fhir/nhs-number.ts';
import type { FieldWeight, MatchRecord } from './match-types.ts';

const PHRASES: Record<string, Record<string, string>> = {
  nhsNumber: { same: 'same NHS number', different: 'different NHS numbers' },
  name: {
    exact: 'same name',
    swapped: 'forename and surname swapped',
    'nickname-or-middle': 'same surname; forenames are forms of one name or a middle name',
    'surname-exact-forename-similar': 'same surname; similar forename',
    'forename-exact-surname-similar': 'same forename; similar surname',
    'both-similar': 'similar forename and surname',
    'surname-only': 'same surname only',
    'forename-only': 'same forename only (surname differs)',
    different: 'different names',
  },
  birthDate: {
    exact: 'same date of birth',
    'day-month-swapped': 'date of birth with day and month swapped',
    'one-digit': 'date of birth one digit apart',
    'within-a-year': 'dates of birth within a year',
    'within-ten-years': 'dates of birth within ten years',
    different: 'dates of birth more than ten years apart',
  },
  sex: { same: 'same sex', different: 'different sex' },
  postcode: { full: 'same postcode', sector: 'same postcode sector', district: 'same postcode district', area: 'same postcode area', different: 'different postcodes' },
  town: { exact: 'same town', similar: 'similar town', different: 'different towns' },
  email: { exact: 'same email', different: 'different emails' },
  phone: { exact: 'same phone', different: 'different phones' },
};

function verification(a: MatchRecord, b: MatchRecord): string {
  const verified = Number(a.nhsVerified === true) + Number(b.nhsVerified === true);
  return verified === 2 ? 'verified on both' : verified === 1 ? 'verified on one' : 'not verified';
}

/** "same postcode (E8 1AA) +9.1": the level in words, the values when they differ or identify, and the weight. */
export function describeField(field: FieldWeight, a: MatchRecord, b: MatchRecord): string {
  const phrase = PHRASES[field.field]?.[field.level] ?? `${field.field} ${field.level}`;
  const sign = field.weight >= 0 ? '+' : '';
  let values = '';
  if (field.field === 'nhsNumber' && field.left && field.right) {
    values = field.level === 'same' ? ` ${formatNhsNumber(field.left)}, ${verification(a, b)}` : ` ${formatNhsNumber(field.left)} / ${formatNhsNumber(field.right)}`;
    return `${phrase} (${values.trim()}) ${sign}${field.weight.toFixed(1)}`;
  }
  if (field.left !== undefined && field.right !== undefined) values = field.left === field.right ? ` (${field.left})` : ` (${field.left} / ${field.right})`;
  return `${phrase}${values} ${sign}${field.weight.toFixed(1)}`;
}

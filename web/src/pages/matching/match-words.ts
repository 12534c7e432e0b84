// Match weights in words a records manager can act on: what the total weight says about the pair,
// what each field's comparison found, and why a rule sent the pair to a person rather than linking.
// Weights are log2 Bayes factors (docs/identity/matching.md): +1 doubles the odds of a match.

export function evidenceWords(weight: number): string {
  if (weight >= 10) return 'Very strong evidence these are the same person';
  if (weight >= 5) return 'Strong evidence these are the same person';
  if (weight >= 1) return 'Some evidence these are the same person';
  if (weight > -1) return 'The evidence is balanced: they may or may not be the same person';
  if (weight > -5) return 'Some evidence these are different people';
  return 'Strong evidence these are different people';
}

/** +6.0, −2.9, 0.0 (with a true minus sign). */
export function signedWeight(weight: number): string {
  const text = Math.abs(weight).toFixed(1);
  return weight > 0.05 ? `+${text}` : weight < -0.05 ? `\u2212${text}` : '0.0';
}

export function weightDirection(weight: number): string {
  return weight > 0.05 ? 'for the same person' : weight < -0.05 ? 'against' : 'no evidence either way';
}

export function probabilityText(probability: number): string {
  if (probability >= 0.9999) return 'over 99.99%';
  if (probability <= 0.0001) return 'under 0.01%';
  return `${(probability * 100).toFixed(probability >= 0.99 || probability <= 0.01 ? 2 : 1)}%`;
}

const RULES: Record<string, string> = {
  'nhs-number-conflict': 'The NHS numbers are different, so sharedcare never links these records automatically. If everything else agrees, one number may have been mistyped: check it with the source system before linking.',
  'nhs-number': 'The NHS numbers are the same but the other details disagree: the number may have been entered on the wrong record.',
  'possible-relative': 'The dates of birth are years apart: these may be relatives with the same name, such as a parent and child.',
  'possible-twin': 'The date of birth is the same but the first names are different: these may be twins.',
  placeholder: 'One record has a placeholder name or date of birth (such as "Baby boy"), so it is never linked automatically.',
};

export const ruleWords = (rule: string | undefined): string | undefined => (rule ? RULES[rule] : undefined);

const RULES_IN_SHORT: Record<string, string> = {
  'nhs-number-conflict': 'Different NHS numbers, so never linked automatically',
  'nhs-number': 'Same NHS number, but the other details disagree',
  'possible-relative': 'Dates of birth years apart: possibly relatives',
  'possible-twin': 'Possibly twins',
  placeholder: 'Has a placeholder name or date of birth',
};

/** Why the pair waits for a person, in a few words for the queue. */
export const ruleInShort = (rule: string | undefined): string | undefined => (rule ? RULES_IN_SHORT[rule] : undefined);

const LEVELS: Record<string, string> = {
  'name:exact': 'Same name',
  'name:swapped': 'First name and surname swapped',
  'name:nickname-or-middle': 'Nickname or middle name used',
  'name:surname-exact-forename-similar': 'Same surname, similar first name',
  'name:forename-exact-surname-similar': 'Same first name, similar surname',
  'name:both-similar': 'Both names similar',
  'name:surname-only': 'Only the surname agrees',
  'name:forename-only': 'Only the first name agrees',
  'birthDate:exact': 'Same date',
  'birthDate:day-month-swapped': 'Day and month swapped',
  'birthDate:one-digit': 'One digit different',
  'birthDate:within-a-year': 'Within a year',
  'birthDate:within-ten-years': 'Within ten years',
  'postcode:full': 'Same postcode',
  'postcode:sector': 'Same postcode sector',
  'postcode:district': 'Same postcode district',
  'postcode:area': 'Same postcode area',
  'town:similar': 'Similar',
};

/** What one field's comparison found, e.g. "Same surname, similar first name". */
export function levelWords(field: string, level: string): string {
  if (level === 'missing' || level === 'null') return 'Not used: missing from one record, or not needed';
  const known = LEVELS[`${field}:${level}`];
  if (known) return known;
  if (level === 'exact' || level === 'same') return 'Same';
  if (level === 'different') return 'Different';
  return level.replace(/-/g, ' ');
}

/** JAKE WRIGHT → Jake Wright (match features are upper case). */
export function titleCase(text: string | undefined): string | undefined {
  return text?.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, sep: string, letter: string) => sep + letter.toUpperCase());
}

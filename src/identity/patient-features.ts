// Reduces a source Patient to the details that identify a person (a MatchRecord): the NHS number
// and whether it is verified, names, date of birth, sex, current postcode and town, email, phone.
import type { Address, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { isPlaceholderNhsNumber, isValidNhsNumber } from '../fhir/nhs-number.ts';
import {
  NHS_NUMBER_SYSTEM,
  NHS_NUMBER_VERIFICATION_EXTENSION,
  SOURCE_SYSTEM_PREFIX,
} from '../fhir/systems.ts';
import type { MatchRecord } from './match-types.ts';
import {
  forenameWords,
  isPlaceholderBirthDate,
  isPlaceholderName,
  normaliseBirthDate,
  normaliseEmail,
  normaliseName,
  normalisePhone,
  normalisePostcode,
  normaliseTown,
} from './normalise.ts';

/** NHS number status "01 Number present and verified". See: ../shared/reference/uk-standards.md §1 */
const VERIFIED = '01';

function nhsNumberOf(identifiers: readonly Identifier[] = []): { nhsNumber?: string; nhsVerified?: boolean } {
  for (const identifier of identifiers) {
    if (identifier.system !== NHS_NUMBER_SYSTEM || !identifier.value) continue;
    const digits = identifier.value.replace(/\s+/g, '');
    if (!isValidNhsNumber(digits) || isPlaceholderNhsNumber(digits)) continue;
    const status = identifier.extension
      ?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)
      ?.valueCodeableConcept?.coding?.[0]?.code;
    return { nhsNumber: digits, nhsVerified: status === VERIFIED };
  }
  return {};
}

function isCurrent(period: { end?: string } | undefined): boolean {
  return !period?.end || period.end >= new Date().toISOString().slice(0, 10);
}

// The name to match on: official, then usual, then any current one.
function chosenName(names: readonly HumanName[] = []): HumanName | undefined {
  const current = names.filter((n) => isCurrent(n.period) && n.use !== 'old');
  return current.find((n) => n.use === 'official') ?? current.find((n) => n.use === 'usual') ?? current[0] ?? names[0];
}

function chosenAddress(addresses: readonly Address[] = []): Address | undefined {
  const current = addresses.filter((a) => isCurrent(a.period) && a.use !== 'old');
  return current.find((a) => a.use === 'home') ?? current[0];
}

function definedOnly(record: MatchRecord): MatchRecord {
  for (const key of Object.keys(record) as (keyof MatchRecord)[]) if (record[key] === undefined) delete record[key];
  return record;
}

/** The MatchRecord of a source Patient, everything normalised; placeholders are flagged with their reason. */
export function matchRecordFromPatient(patient: Patient): MatchRecord {
  const name = chosenName(patient.name);
  const forenames = (name?.given ?? []).flatMap((given) => forenameWords(given));
  const family = normaliseName(name?.family);
  const birthDate = normaliseBirthDate(patient.birthDate);
  const address = chosenAddress(patient.address);
  const telecom = patient.telecom ?? [];
  const source = patient.meta?.source?.startsWith(SOURCE_SYSTEM_PREFIX) ? patient.meta.source.slice(SOURCE_SYSTEM_PREFIX.length) : undefined;
  const placeholder =
    [forenames[0], family].some((n) => isPlaceholderName(n)) ? 'placeholder name'
      : isPlaceholderBirthDate(birthDate) ? 'placeholder date of birth'
        : !family && forenames.length === 0 ? 'no name'
          : undefined;
  return definedOnly({
    id: patient.id ?? '',
    source,
    ...nhsNumberOf(patient.identifier),
    given: forenames[0],
    middle: forenames.length > 1 ? forenames.slice(1).join('') : undefined,
    family,
    birthDate: isPlaceholderBirthDate(birthDate) ? undefined : birthDate,
    sex: patient.gender === 'male' ? 'M' : patient.gender === 'female' ? 'F' : undefined,
    postcode: normalisePostcode(address?.postalCode),
    town: normaliseTown(address?.city),
    email: normaliseEmail(telecom.find((t) => t.system === 'email' && isCurrent(t.period))?.value),
    phone: normalisePhone(telecom.find((t) => t.system === 'phone' && isCurrent(t.period))?.value),
    placeholder,
  });
}

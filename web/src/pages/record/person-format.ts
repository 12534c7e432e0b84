// How the viewer writes a person's details: names as people say them, NHS numbers in 3 3 4, dates
// in words (NHS.UK style: 16 June 1940), ages, addresses, and the NHS number's verification status.
import type { Address, CodeableConcept, HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { formatNhsNumber } from '../../../../src/fhir/nhs-number.ts';
import { NHS_NUMBER_SYSTEM, NHS_NUMBER_VERIFICATION_EXTENSION, NHS_NUMBER_VERIFICATION_STATUSES } from '../../../../src/fhir/systems.ts';

/** "Eileen Bailey": the usual (else first) name, first given name and family name. */
export function personName(names: readonly HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'usual' || n.use === 'official') ?? names?.[0];
  if (!name) return 'Name not recorded';
  const written = [name.given?.[0], name.family].filter(Boolean).join(' ');
  return written || name.text || 'Name not recorded';
}

/** "999 359 7767". */
/** "999 359 7767": NHS numbers as people write them. */
export { formatNhsNumber };

export function nhsIdentifierOf(patient: Patient): Identifier | undefined {
  return patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM && i.value);
}

/** "Verified", or the source's verification status in words, or undefined when it gives none. */
export function verificationText(identifier: Identifier): string | undefined {
  const concept = identifier.extension?.find((e) => e.url === NHS_NUMBER_VERIFICATION_EXTENSION)?.valueCodeableConcept;
  const coding = concept?.coding?.[0];
  if (coding?.code === '01') return 'Verified';
  return coding?.display ?? (coding?.code ? NHS_NUMBER_VERIFICATION_STATUSES[coding.code] : undefined) ?? concept?.text;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A FHIR date, dateTime or instant in words: "16 June 1940", "June 1940", "1940". Times are
 * shown as the UK calendar day they fall on.
 */
export function dateInWords(value: string | undefined): string {
  if (!value) return 'Not recorded';
  const partial = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(value);
  if (partial) {
    const [, y, m, d] = partial;
    if (!m) return y!;
    if (!d) return `${MONTHS[Number(m) - 1]} ${y}`;
    return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  return at.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
}

/** Whole years (or months, under two) from a birth date to today or to a date of death. */
export function ageInWords(birthDate: string | undefined, until: Date = new Date()): string | undefined {
  const m = birthDate && /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let months = (until.getFullYear() - y) * 12 + (until.getMonth() + 1 - mo);
  if (until.getDate() < d) months--;
  if (months < 0) return undefined;
  if (months < 24) return `${months} ${months === 1 ? 'month' : 'months'} old`;
  return `${Math.floor(months / 12)} years old`;
}

/** "12 Mare Street, London, E8 4RP": the home address (else the first), lines then town then postcode. */
export function addressInWords(addresses: readonly Address[] | undefined): string | undefined {
  const address = addresses?.find((a) => a.use === 'home' && !a.period?.end) ?? addresses?.[0];
  if (!address) return undefined;
  const parts = [...(address.line ?? []), address.city, address.postalCode].filter((p): p is string => !!p?.trim());
  return parts.length > 0 ? parts.join(', ') : address.text;
}

export function postcodeOf(addresses: readonly Address[] | undefined): string | undefined {
  return (addresses?.find((a) => a.use === 'home') ?? addresses?.[0])?.postalCode;
}

/** A concept's words: its text, else its first coding's display, else its first code. */
export function conceptText(concept: CodeableConcept | undefined): string | undefined {
  return concept?.text ?? concept?.coding?.find((c) => c.display)?.display ?? concept?.coding?.find((c) => c.code)?.code;
}

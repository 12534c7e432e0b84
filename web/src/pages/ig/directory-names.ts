// Audit rows name organisations by code and people by record id; an IG lead reads names. These look
// them up (organisations in the directory, people by their demographics, which IG roles may see),
// and fall back to the code or id when a lookup finds nothing.
import type { Bundle, HumanName, Organization, Patient } from '@medplum/fhirtypes';
import { fhir, matches } from '../../lib/fhir.ts';
import { formatNhsNumber } from './display-formats.ts';
import { NHS_NUMBER_SYSTEM } from '../../../../src/fhir/systems.ts';


export interface PersonLabel {
  name: string;
  nhsNumber?: string;
}

export interface Names {
  organisations: Map<string, string>;
  /** By `Patient/id`. */
  people: Map<string, PersonLabel>;
}

export const NO_NAMES: Names = { organisations: new Map(), people: new Map() };

export function nameText(name: HumanName | undefined): string {
  if (!name) return 'Name not recorded';
  return name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

export function nhsNumberOf(patient: { identifier?: Patient['identifier'] }): string | undefined {
  return patient.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
}

export function personLabel(patient: Patient): PersonLabel {
  const nhs = nhsNumberOf(patient);
  return { name: nameText(patient.name?.[0]), ...(nhs ? { nhsNumber: formatNhsNumber(nhs) } : {}) };
}

async function organisationNames(codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const bundle = await fhir<Bundle>(`Organization?identifier=${codes.map(encodeURIComponent).join(',')}&_count=${codes.length * 2}`);
  const names = new Map<string, string>();
  for (const org of matches<Organization>(bundle)) {
    for (const id of org.identifier ?? []) if (id.value && codes.includes(id.value) && org.name) names.set(id.value, org.name);
  }
  return names;
}

async function peopleNames(refs: string[]): Promise<Map<string, PersonLabel>> {
  const ids = refs.filter((r) => r.startsWith('Patient/')).map((r) => r.slice('Patient/'.length));
  if (ids.length === 0) return new Map();
  const bundle = await fhir<Bundle>(`Patient?_id=${ids.map(encodeURIComponent).join(',')}&_count=${ids.length}`);
  return new Map(matches<Patient>(bundle).map((p) => [`Patient/${p.id}`, personLabel(p)]));
}

/** Names for the organisations and people in these rows, added to what is already known. */
export async function namesFor(rows: ReadonlyArray<{ organization?: string; patients?: string[] }>, known: Names = NO_NAMES): Promise<Names> {
  const codes = [...new Set(rows.flatMap((r) => (r.organization && !known.organisations.has(r.organization) ? [r.organization] : [])))];
  const refs = [...new Set(rows.flatMap((r) => (r.patients ?? []).filter((p) => !known.people.has(p))))];
  // A name is a courtesy: if the lookup fails, the page still shows the codes.
  const [organisations, people] = await Promise.all([
    organisationNames(codes).catch(() => new Map<string, string>()),
    peopleNames(refs).catch(() => new Map<string, PersonLabel>()),
  ]);
  return { organisations: new Map([...known.organisations, ...organisations]), people: new Map([...known.people, ...people]) };
}

/** "Homerton Healthcare NHS Foundation Trust (RQX)", or the code alone. */
export function organisationText(names: Names, code: string | undefined): string | undefined {
  if (!code) return undefined;
  const name = names.organisations.get(code);
  return name ? `${name} (${code})` : code;
}

/** The distinct people these record ids belong to, as they read. */
export function peopleText(names: Names, refs: readonly string[]): string {
  const labels = refs.map((r) => names.people.get(r));
  const texts = [...new Set(labels.map((l, i) => (l ? `${l.name}${l.nhsNumber ? `, NHS number ${l.nhsNumber}` : ''}` : refs[i]!)))];
  return texts.length > 0 ? texts.join('; ') : 'Not recorded';
}

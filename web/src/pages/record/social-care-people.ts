// Names and phone numbers of the people and teams a social-care record points at: from the
// directory entry when it could be read, else from the reference's display.
import type { ContactPoint, HumanName, Reference } from '@medplum/fhirtypes';
import type { Directory, DirectoryEntry } from './directory.ts';
import { personName } from './person-format.ts';

export interface Contact {
  name: string;
  /** Job title or role, when known. */
  title?: string;
  phones: string[];
}

const USE_ORDER = ['work', 'mobile', 'home'];

/** Phone numbers, work first, each with its use: "020 8356 1234 (work)". */
export function phonesOf(telecom: readonly ContactPoint[] | undefined): string[] {
  return [...(telecom ?? [])]
    .filter((t) => t.system === 'phone' && t.value)
    .sort((a, b) => USE_ORDER.indexOf(a.use ?? '') - USE_ORDER.indexOf(b.use ?? ''))
    .map((t) => (t.use ? `${t.value} (${t.use})` : t.value!));
}

function entryOf(directory: Directory, ref: Reference | undefined): DirectoryEntry | undefined {
  return ref?.reference ? directory.get(ref.reference) : undefined;
}

/** The person or organisation a reference names, with every phone number the directory has for them. */
export function contactOf(directory: Directory, ref: Reference | undefined): Contact | undefined {
  if (!ref) return undefined;
  const entry = entryOf(directory, ref);
  if (!entry) return ref.display ? { name: ref.display, phones: [] } : undefined;
  switch (entry.resourceType) {
    case 'Organization':
      return { name: entry.name ?? ref.display ?? 'Unnamed organisation', phones: phonesOf(entry.telecom) };
    case 'Practitioner':
      return { name: practitionerName(entry.name) ?? ref.display ?? 'Unnamed', phones: phonesOf(entry.telecom) };
    case 'PractitionerRole': {
      const practitioner = entryOf(directory, entry.practitioner);
      const name = (practitioner?.resourceType === 'Practitioner' ? practitionerName(practitioner.name) : undefined) ?? entry.practitioner?.display ?? ref.display;
      const title = entry.code?.[0]?.text ?? entry.code?.[0]?.coding?.[0]?.display;
      const phones = [...new Set([...phonesOf(entry.telecom), ...(practitioner && 'telecom' in practitioner ? phonesOf(practitioner.telecom) : [])])];
      return { name: name ?? 'Unnamed', ...(title ? { title } : {}), phones };
    }
  }
}

function practitionerName(names: readonly HumanName[] | undefined): string | undefined {
  return names?.length ? personName(names) : undefined;
}

// The staff, teams and providers a person's social-care record names (allocated worker, care manager,
// team, service provider) with their phone numbers. $summary carries the person's own resources only,
// so these shared directory entries are read by id, all at once, after it.
import type { Bundle, Organization, Practitioner, PractitionerRole, Reference, Resource } from '@medplum/fhirtypes';
import { fhir } from '../../lib/fhir.ts';

export type DirectoryEntry = Organization | Practitioner | PractitionerRole;

/** Directory entries by `Type/id`. */
export type Directory = ReadonlyMap<string, DirectoryEntry>;

const DIRECTORY_TYPES = ['Organization', 'Practitioner', 'PractitionerRole'] as const;

function referencesIn(resources: readonly Resource[]): Reference[] {
  const refs: Array<Reference | undefined> = [];
  for (const r of resources) {
    switch (r.resourceType) {
      case 'CareTeam':
        refs.push(...(r.participant ?? []).map((p) => p.member), ...(r.managingOrganization ?? []));
        break;
      case 'EpisodeOfCare':
        refs.push(r.careManager);
        break;
      case 'ServiceRequest':
        refs.push(...(r.performer ?? []), r.requester);
        break;
      case 'Task':
        refs.push(r.owner);
        break;
      case 'Device':
        refs.push(r.owner);
        break;
    }
  }
  return refs.filter((ref): ref is Reference => !!ref?.reference);
}

/** Reads every directory entry the resources reference (missing or unreadable ones are left out). */
export async function loadDirectory(resources: readonly Resource[]): Promise<Directory> {
  const ids = new Map<string, Set<string>>(DIRECTORY_TYPES.map((t) => [t, new Set<string>()]));
  for (const ref of referencesIn(resources)) {
    const [type, id] = ref.reference!.split('/');
    if (type && id) ids.get(type)?.add(id);
  }
  const found = new Map<string, DirectoryEntry>();
  await Promise.all([...ids].filter(([, set]) => set.size > 0).map(async ([type, set]) => {
    const include = type === 'PractitionerRole' ? '&_include=PractitionerRole:practitioner' : '';
    try {
      const bundle = await fhir<Bundle>(`${type}?_id=${[...set].map(encodeURIComponent).join(',')}&_count=${set.size}${include}`);
      for (const entry of bundle.entry ?? []) {
        const r = entry.resource as DirectoryEntry | undefined;
        if (r?.id) found.set(`${r.resourceType}/${r.id}`, r);
      }
    } catch {
      // The page still names each one from the reference's display.
    }
  }));
  return found;
}

// Is this person known to social care, and to whom? An open social-care EpisodeOfCare or an active
// allocation (CareTeam) on any of the person's linked records names the council and, where it has
// one, the allocated team: they are who hears of the person's hospital stays.
import type { CareTeam, EpisodeOfCare, Identifier, Reference, Resource } from '@medplum/fhirtypes';
import { samePerson, type Governance } from '../../governance/policy/access-grant.ts';
import { ONS_GSS_CODE_SYSTEM } from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';
import { RESOURCE_COLUMNS, hydrate, type StoredRow } from '../../store/stored-row.ts';
import type { Repository } from '../../store/repository.ts';

export interface Involvement {
  /** The council, by ONS GSS code when it can be told. */
  councilGss?: string;
  councilName?: string;
  /** How the record names the council (reference or identifier). */
  councilRef?: Reference;
  /** The allocated team (an Organization), when there is one. */
  team?: Reference;
  /** The council's own record of the person. */
  patient: Reference;
  /** What makes the person known: the episode or allocation. */
  basis: Reference;
}

const SOCIAL_CARE_TYPES = ['EpisodeOfCare', 'CareTeam'];

/** The open social-care involvements of everyone linked to `personKey`, one per council and team. */
export async function socialCareInvolvement(tx: Queryable, repo: Repository, governance: Governance, personKey: string, now: Date): Promise<Involvement[]> {
  const keys = await samePerson(tx, governance.links, [personKey]);
  const { rows } = await tx.query<StoredRow>(
    `SELECT ${RESOURCE_COLUMNS} FROM resource r WHERE r.person_key = ANY($1::bigint[]) AND r.type = ANY($2) AND NOT r.deleted`, [keys, SOCIAL_CARE_TYPES]);
  const resources = rows.map(hydrate);
  const careTeams = new Map(resources.filter((r): r is CareTeam => r.resourceType === 'CareTeam').map((t) => [`CareTeam/${t.id}`, t]));
  const found: Involvement[] = [];
  for (const resource of resources) {
    if (!isOpen(resource, now)) continue;
    if (resource.resourceType === 'EpisodeOfCare') {
      const episode = resource as EpisodeOfCare;
      const owner = await council(repo, episode.managingOrganization);
      // A social-care episode, or any episode a council manages.
      if (!isSocialCareEpisode(episode) && !owner.councilGss) continue;
      const teamRef = episode.team?.map((t) => careTeams.get(t.reference ?? ''))?.find((t) => t && isOpen(t, now))?.managingOrganization?.[0];
      found.push({ ...owner, ...(episode.managingOrganization ? { councilRef: episode.managingOrganization } : {}), ...(teamRef ? { team: teamRef } : {}),
        patient: episode.patient, basis: { reference: `EpisodeOfCare/${episode.id}` } });
    } else {
      const team = resource as CareTeam;
      const org = team.managingOrganization?.[0];
      if (!org || !team.subject) continue;
      const owner = await council(repo, org);
      // An allocation is social care's when a council's team holds it; a ward's care team is not.
      if (!owner.councilGss) continue;
      found.push({ ...owner, team: org, patient: team.subject, basis: { reference: `CareTeam/${team.id}` } });
    }
  }
  return distinct(found);
}

function isOpen(resource: Resource, now: Date): boolean {
  const r = resource as EpisodeOfCare | CareTeam;
  if (r.status !== 'active') return false;
  const end = r.period?.end;
  return !end || new Date(end) >= now;
}

/** Social-care episodes carry the social-care record category (adult or children's) as their type. */
function isSocialCareEpisode(episode: EpisodeOfCare): boolean {
  return !!episode.type?.some((t) => t.coding?.some((c) => /social-care/.test(c.code ?? '')));
}

const gssOf = (identifiers: readonly Identifier[] | undefined) => identifiers?.find((i) => i.system === ONS_GSS_CODE_SYSTEM)?.value;

/** The council a reference names: by its GSS identifier, or the Organization it points to (or that one's parent). */
async function council(repo: Repository, ref: Reference | undefined): Promise<Pick<Involvement, 'councilGss' | 'councilName'>> {
  if (!ref) return {};
  const direct = ref.identifier?.system === ONS_GSS_CODE_SYSTEM ? ref.identifier.value : undefined;
  if (direct) return { councilGss: direct, ...(ref.display ? { councilName: ref.display } : {}) };
  let reference = ref.reference;
  for (let hops = 0; reference?.startsWith('Organization/') && hops < 3; hops++) {
    const org = await repo.read('Organization', reference.slice('Organization/'.length)).catch(() => undefined);
    if (!org || org.resourceType !== 'Organization') break;
    const gss = gssOf(org.identifier);
    if (gss) return { councilGss: gss, ...(org.name ? { councilName: org.name } : {}) };
    reference = org.partOf?.reference;
  }
  return ref.display ? { councilName: ref.display } : {};
}

function distinct(list: Involvement[]): Involvement[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const key = `${i.councilGss ?? i.councilName}|${i.team?.reference ?? i.team?.identifier?.value ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

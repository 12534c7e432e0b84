// "Who looks after you", from the person's own record: their GP practice, their social care team and
// worker, the care services arranged for them and who provides them, and their carers and family
// contacts. Names and phone numbers only, in plain words.
import type { CareTeam, EpisodeOfCare, Organization, Patient, Reference, RelatedPerson, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { periodInWords } from './plain-dates.ts';
import { called, capitalised, displayOf, personName, phoneOf } from './plain-words.ts';

export interface Contact {
  name: string;
  detail?: string;
  phone?: string;
  address?: string;
}

export interface CareService {
  what: string;
  provider?: string;
  when?: string;
  current: boolean;
}

export interface WhoLooksAfterYou {
  gpPractices: Contact[];
  socialCare: Contact[];
  services: CareService[];
  carers: Contact[];
}

const OPEN_EPISODE = new Set(['planned', 'waitlist', 'active', 'onhold']);
const CURRENT_SERVICE = new Set(['active', 'on-hold', 'draft']);

const ofType = <T extends Resource>(resources: readonly Resource[], type: T['resourceType']): T[] =>
  resources.filter((r): r is T => r.resourceType === type);

function organisation(reference: Reference | undefined, organisations: ReadonlyMap<string, Organization>): Organization | undefined {
  return reference?.reference ? organisations.get(reference.reference) : undefined;
}

function addressOf(org: Organization | undefined): string | undefined {
  const address = org?.address?.[0];
  if (!address) return undefined;
  return [...(address.line ?? []), address.city, address.postalCode].filter(Boolean).join(', ') || undefined;
}

function gpPractices(patients: readonly Patient[], organisations: ReadonlyMap<string, Organization>): Contact[] {
  const seen = new Map<string, Contact>();
  for (const reference of patients.flatMap((p) => p.generalPractitioner ?? [])) {
    const org = organisation(reference, organisations);
    const name = org?.name ?? displayOf(reference);
    if (!name || seen.has(name)) continue;
    const phone = phoneOf(org?.telecom);
    const address = addressOf(org);
    seen.set(name, { name, ...(phone ? { phone } : {}), ...(address ? { address } : {}) });
  }
  return [...seen.values()];
}

function workerOf(team: CareTeam): string | undefined {
  const allocated = team.participant?.find((p) => called(p.role?.[0])?.toLowerCase() === 'allocated worker') ?? team.participant?.[0];
  return displayOf(allocated?.member);
}

function socialCare(resources: readonly Resource[], organisations: ReadonlyMap<string, Organization>): Contact[] {
  const contacts = new Map<string, Contact>();
  for (const team of ofType<CareTeam>(resources, 'CareTeam').filter((t) => t.status === 'active' || t.status === undefined)) {
    const name = team.name ?? displayOf(team.managingOrganization?.[0]) ?? 'Your care team';
    const worker = workerOf(team);
    const phone = phoneOf(team.telecom) ?? phoneOf(organisation(team.managingOrganization?.[0], organisations)?.telecom);
    contacts.set(name, { name, ...(worker ? { detail: `Your worker: ${worker}` } : {}), ...(phone ? { phone } : {}) });
  }
  for (const episode of ofType<EpisodeOfCare>(resources, 'EpisodeOfCare').filter((e) => OPEN_EPISODE.has(e.status))) {
    const name = displayOf(episode.team?.[0]) ?? organisation(episode.managingOrganization, organisations)?.name ?? called(episode.type?.[0]) ?? 'Social care';
    if (contacts.has(name)) continue;
    const worker = displayOf(episode.careManager);
    const phone = phoneOf(organisation(episode.managingOrganization, organisations)?.telecom);
    contacts.set(name, { name, ...(worker ? { detail: `Your worker: ${worker}` } : {}), ...(phone ? { phone } : {}) });
  }
  return [...contacts.values()];
}

function services(resources: readonly Resource[]): CareService[] {
  return ofType<ServiceRequest>(resources, 'ServiceRequest')
    .filter((s) => s.status !== 'entered-in-error' && s.status !== 'revoked')
    .map((s): CareService => {
      const provider = displayOf(s.performer?.[0]);
      const when = periodInWords(s.occurrencePeriod?.start ?? s.occurrenceDateTime ?? s.authoredOn, s.occurrencePeriod?.end);
      return { what: called(s.code) ?? called(s.category?.[0]) ?? 'A care service', ...(provider ? { provider } : {}), ...(when ? { when } : {}), current: CURRENT_SERVICE.has(s.status) };
    })
    .sort((a, b) => Number(b.current) - Number(a.current));
}

function carers(resources: readonly Resource[], patients: readonly Patient[]): Contact[] {
  const found = new Map<string, Contact>();
  const add = (name: string | undefined, relationships: Array<string | undefined>, phone: string | undefined) => {
    if (!name || found.has(name)) return;
    const detail = [...new Set(relationships.filter((r): r is string => !!r).map((r) => r.toLowerCase()))].join(', ');
    found.set(name, { name, ...(detail ? { detail: capitalised(detail) } : {}), ...(phone ? { phone } : {}) });
  };
  for (const person of ofType<RelatedPerson>(resources, 'RelatedPerson').filter((p) => p.active !== false)) {
    add(personName(person.name), (person.relationship ?? []).map(called), phoneOf(person.telecom));
  }
  for (const contact of patients.flatMap((p) => p.contact ?? [])) {
    add(personName(contact.name ? [contact.name] : undefined), (contact.relationship ?? []).map(called), phoneOf(contact.telecom));
  }
  return [...found.values()];
}

/** Who looks after the person, from all their records and the organisations those name. */
export function whoLooksAfterYou(resources: readonly Resource[], organisations: ReadonlyMap<string, Organization>): WhoLooksAfterYou {
  const patients = ofType<Patient>(resources, 'Patient');
  return {
    gpPractices: gpPractices(patients, organisations),
    socialCare: socialCare(resources, organisations),
    services: services(resources),
    carers: carers(resources, patients),
  };
}

// `sharedcare person`: one person across systems from a terminal. Shows which source records a
// person is made of and why, every link decision about it, and takes a wrongly linked record out.
import { parseArgs } from 'node:util';
import type { Person } from '@medplum/fhirtypes';
import { FhirError } from '../fhir/errors.ts';
import type { LinkStore } from '../identity/links/link-store.ts';
import type { LinkHistoryEntry } from '../identity/links/link-types.ts';
import { actorOf, fixed, out, reasonOf, table, usage, withLinkStore } from './link-store-cli.ts';

export const PERSON_HELP = `sharedcare person show PERSON_ID [--json]
sharedcare person history PERSON_ID | --patient PATIENT_ID [--json]
sharedcare person unlink PATIENT_ID --reason "why" [--by NAME]

  A person is a FHIR Person linking the source Patients that are the same human being. show: its
  records with the basis of each link (nhs-number, probabilistic, manual, sole), whether a
  person or the matcher decided, and the match weight. history: every link decision, newest
  first. unlink: takes the record out into a person of its own and records that it is not the
  same as the records left behind, so no automatic run links them again. A reason is required.

  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

async function showPerson(links: LinkStore, personId: string, json: boolean): Promise<number> {
  const members = await links.members(personId);
  const person = await links.readPerson(personId).catch((err: unknown) => {
    if (err instanceof FhirError && (err.category === 'not-found' || err.category === 'gone')) return undefined;
    throw err;
  });
  if (!person && members.length === 0) return usage(`No person ${personId}`);
  if (json) {
    out(JSON.stringify({ person, members }, null, 2));
    return 0;
  }
  out(personLine(personId, person));
  if (members.length > 0) {
    out(table([
      ['RECORD', 'KIND', 'BASIS', 'WEIGHT', 'ASSURANCE', 'DECIDED BY', 'REASON'],
      ...members.map((m) => [`Patient/${m.patientId}`, m.kind, m.basis, fixed(m.weight), assuranceOf(person, m.patientId), m.decidedBy,
        m.reason ?? m.explanation?.reason ?? '']),
    ]));
  }
  return 0;
}

function personLine(personId: string, person: Person | undefined): string {
  const name = person?.name?.[0];
  const nhs = person?.identifier?.map((i) => `NHS ${i.value}${i.use === 'official' ? ' (official)' : ''}`).join(', ');
  const redirect = person?.link?.find((l) => l.target.reference?.startsWith('Person/'))?.target.reference;
  return [`Person/${personId}`, person?.active === false ? 'inactive' : 'active', redirect ? `merged into ${redirect}` : undefined,
    name ? [name.family, ...(name.given ?? [])].filter(Boolean).join(' ') : undefined, person?.birthDate, nhs].filter(Boolean).join(' · ');
}

const assuranceOf = (person: Person | undefined, patientId: string): string =>
  person?.link?.find((l) => l.target.reference === `Patient/${patientId}`)?.assurance ?? '';

function historyTable(entries: readonly LinkHistoryEntry[]): string {
  return table([
    ['#', 'AT', 'ACTION', 'RECORD', 'FROM', 'TO', 'KIND', 'BASIS', 'WEIGHT', 'BY', 'REASON'],
    ...entries.map((h) => [h.id, h.at, h.action, h.patientId, h.previousPersonId ?? '-', h.personId ?? '-', h.kind, h.basis ?? '',
      fixed(h.weight), h.decidedBy, h.reason ?? h.explanation?.reason ?? '']),
  ]);
}

async function run(links: LinkStore, action: string, id: string | undefined, values: Record<string, string | boolean | undefined>): Promise<number> {
  if (action === 'show') return showPerson(links, id!, values.json === true);
  if (action === 'history') {
    const patient = values.patient as string | undefined;
    const entries = await links.history(patient ? { patientId: patient } : { personId: id! });
    if (values.json) out(JSON.stringify(entries, null, 2));
    else if (entries.length > 0) out(historyTable(entries));
    if (!values.json) process.stderr.write(`${entries.length} decision(s)\n`);
    return 0;
  }
  const personId = await links.unlink(id!, actorOf(values.by as string | undefined), reasonOf(values.reason)!);
  out(`Patient/${id} unlinked into Person/${personId}`);
  return 0;
}

/** Runs `sharedcare person <show|history|unlink> …`; `args` are what follows `person`. */
export async function runPersonCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { patient: { type: 'string' }, reason: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' } },
  });
  const [action, id, ...extra] = positionals;
  if (!action || !['show', 'history', 'unlink'].includes(action) || extra.length > 0) return usage(PERSON_HELP);
  if (action === 'history' && (id === undefined) === (values.patient === undefined)) return usage('Name a person, or a record with --patient, not both');
  if (action !== 'history' && !id) return usage(PERSON_HELP);
  const given = id ?? (values.patient as string);
  if (!ID.test(given)) return usage(`'${given}' is not a FHIR id`);
  if (action === 'unlink' && !reasonOf(values.reason)) return usage(`A reason is required: sharedcare person unlink ${id} --reason "why"`);
  return withLinkStore(values.data, (links) => run(links, action, id, values));
}

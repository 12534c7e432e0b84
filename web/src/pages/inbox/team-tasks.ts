// The team inbox's data: the notices sharedcare raised for the signed-in person's organisation and
// its teams, newest first, a page at a time. A notice's owner is the allocated team, else the
// council, named by reference or, for a council named only by its code, by identifier
// (docs/events/README.md), so two searches are read side by side and merged.
import type { Bundle, Organization, Patient, Resource, Task } from '@medplum/fhirtypes';
import { fhir, matches } from '../../lib/fhir.ts';

export const NOTIFICATION_SYSTEM = 'urn:sharedcare:codesystem:event-notification';
/** Admissions and discharges, Care Act (ADW) notices and CP-IS access notifications (src/events/event-codes.ts). */
const NOTIFICATION_CODES = ['admission', 'transfer', 'discharge', 'admission-cancelled', 'adw-notice', 'cpis-access'];

export type TaskFilter = 'open' | 'completed';

const STATUSES: Readonly<Record<TaskFilter, string>> = {
  open: 'requested,received,accepted,ready,in-progress,on-hold',
  completed: 'completed',
};
const PAGE_SIZE = 10;

/** Whose inbox this is: the organisation by its code, and every team that is part of it. */
export interface Team {
  code: string;
  name: string;
  ownerReferences: string[];
}

/** One search's pages read so far, and the next page's path while there is one. */
interface Feed {
  tasks: Task[];
  next?: string;
}

export interface Inbox {
  feeds: Feed[];
  /** Included Patients and Organizations by `Type/id`, and hospitals named by code by `system|value`. */
  related: Map<string, Resource>;
}

export interface InboxRow {
  task: Task;
  patient?: Patient;
  hospital?: string;
}

const query = (pairs: Record<string, string>) => new URLSearchParams(pairs).toString();

export async function teamOf(code: string): Promise<Team> {
  const organisations = matches<Organization>(await fhir<Bundle>(`Organization?${query({ identifier: code, _count: '5' })}`));
  const references = organisations.map((o) => `Organization/${o.id}`);
  const teams = references.length === 0 ? [] : matches<Organization>(
    await fhir<Bundle>(`Organization?${query({ partof: references.join(','), _count: '100', _elements: 'id,name' })}`));
  return { code, name: organisations[0]?.name ?? code, ownerReferences: [...references, ...teams.map((t) => `Organization/${t.id}`)] };
}

/** The first page of the inbox for `filter`. */
export async function firstPage(team: Team, filter: TaskFilter): Promise<Inbox> {
  const common = {
    code: NOTIFICATION_CODES.map((c) => `${NOTIFICATION_SYSTEM}|${c}`).join(','),
    status: STATUSES[filter],
    _sort: '-authored-on',
    _count: String(PAGE_SIZE),
    _include: 'Task:patient',
  };
  const paths = [`Task?${query({ 'owner:identifier': team.code, ...common })}`];
  if (team.ownerReferences.length > 0) paths.unshift(`Task?${query({ owner: team.ownerReferences.join(','), ...common })}`);
  return readPages({ feeds: paths.map((next) => ({ tasks: [], next })), related: new Map() });
}

/** Reads the next page of every search that has one. */
export async function readPages(inbox: Inbox): Promise<Inbox> {
  const related = new Map(inbox.related);
  const feeds = await Promise.all(inbox.feeds.map(async (feed) => {
    if (!feed.next) return feed;
    const bundle = await fhir<Bundle>(feed.next.replace(/^.*?\/fhir\//, ''));
    for (const entry of bundle.entry ?? []) {
      if (entry.search?.mode === 'include' && entry.resource) related.set(`${entry.resource.resourceType}/${entry.resource.id}`, entry.resource);
    }
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    return { tasks: [...feed.tasks, ...matches<Task>(bundle)], ...(next ? { next } : {}) };
  }));
  await nameHospitals(feeds.flatMap((f) => f.tasks), related);
  return { feeds, related };
}

export const hasMore = (inbox: Inbox): boolean => inbox.feeds.some((f) => f.next);

/**
 * The tasks to show, newest first: all read so far down to the oldest point every search with more
 * pages has reached, so a later page never slips in above what is shown.
 */
export function rowsOf(inbox: Inbox): InboxRow[] {
  const sortKey = (t: Task) => t.authoredOn ?? '';
  const boundary = inbox.feeds.filter((f) => f.next && f.tasks.length > 0).map((f) => sortKey(f.tasks.at(-1)!)).sort().at(-1) ?? '';
  return inbox.feeds.flatMap((f) => f.tasks)
    .filter((t) => sortKey(t) >= boundary)
    .sort((a, b) => sortKey(b).localeCompare(sortKey(a)))
    .map((task) => {
      const patient = task.for?.reference ? inbox.related.get(task.for.reference) as Patient | undefined : undefined;
      const hospital = hospitalOf(task, inbox.related);
      return { task, ...(patient ? { patient } : {}), ...(hospital ? { hospital } : {}) };
    });
}

const requesterKey = (task: Task): string | undefined => {
  const r = task.requester;
  if (r?.reference?.startsWith('Organization/')) return r.reference;
  return r?.identifier?.value ? `${r.identifier.system ?? ''}|${r.identifier.value}` : undefined;
};

function hospitalOf(task: Task, related: Map<string, Resource>): string | undefined {
  const key = requesterKey(task);
  const named = key ? (related.get(key) as Organization | undefined)?.name : undefined;
  return named ?? task.requester?.display ?? task.requester?.identifier?.value;
}

/** Hospitals are named by their ODS code on most notices: one directory search names them all. */
async function nameHospitals(tasks: readonly Task[], related: Map<string, Resource>): Promise<void> {
  const wanted = new Set<string>();
  for (const task of tasks) {
    const key = requesterKey(task);
    if (key && !related.has(key)) wanted.add(key);
  }
  const byCode = [...wanted].filter((k) => !k.startsWith('Organization/'));
  const byId = [...wanted].filter((k) => k.startsWith('Organization/')).map((k) => k.slice('Organization/'.length));
  const searches: string[] = [];
  if (byCode.length) searches.push(`Organization?${query({ identifier: byCode.join(','), _count: '50', _elements: 'id,name,identifier' })}`);
  if (byId.length) searches.push(`Organization?${query({ _id: byId.join(','), _count: '50', _elements: 'id,name,identifier' })}`);
  for (const path of searches) {
    for (const org of matches<Organization>(await fhir<Bundle>(path))) {
      related.set(`Organization/${org.id}`, org);
      for (const id of org.identifier ?? []) related.set(`${id.system ?? ''}|${id.value}`, org);
    }
  }
}

/** When what the notice tells of happened (the 'occurred' input), else when it was raised. */
export function occurredAt(task: Task): string | undefined {
  return task.input?.find((i) => i.type?.text === 'occurred')?.valueDateTime ?? task.authoredOn;
}

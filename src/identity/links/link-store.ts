// Where link decisions live: which person each source Patient belongs to and why, the review
// queue, reviewers' rules and the history of every change. Works inside one store transaction so
// links, history and the rebuilt Person resources commit together.
import { randomUUID } from 'node:crypto';
import type { Patient, Person } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import type { Repository } from '../../store/repository.ts';
import type { MatchRecord, PairScore } from '../match-types.ts';
import * as queue from './candidate-queue.ts';
import { forgetRecord } from '../record-store.ts';
import { appendHistory, deleteLink, linksOf, linkWriteParts, lockPersons, membersOf, readHistory, refreshLinkScores, writeLinks, type HistoryAppend } from './link-rows.ts';
import type {
  Actor, Candidate, CandidateQuery, CandidateStatus, CandidateUpsert, HistoryQuery, LinkAction, LinkChange, LinkHistoryEntry, LinkRow,
  LinkRule, ReviewDecision, RuleKind,
} from './link-types.ts';
import { writePersons, type PersonWriteOptions, type Redirect } from './person-view.ts';
import type { PersonSource } from './survivorship.ts';
import * as rules from './rule-table.ts';

/** What a reviewer's decision did. */
export interface DecisionResult {
  candidate: Candidate;
  /** The person both records are in after a link; the left record's person after a reject. */
  personId?: string;
}

function requireReason(reason: string | undefined, location = 'reason'): string {
  const trimmed = reason?.trim();
  if (!trimmed) throw invalid('IDENTITY_REASON_REQUIRED', 'A manual decision needs a reason', location);
  return trimmed;
}

function sameLink(current: LinkRow, change: LinkChange): boolean {
  return current.personId === change.personId && current.kind === change.kind && current.basis === change.basis;
}

/**
 * Records a caller already holds, by patient id: the Patient as written, its match features, and
 * whether it was linked to a person when the caller read its state in this transaction.
 */
export type HeldRecords = ReadonlyMap<string, { patient: Patient; record: MatchRecord; linked: boolean }>;

export class LinkStore {
  private readonly repo: Repository;
  private readonly sql: Queryable;
  /** Person ids newPersonId made up in this transaction, and those of them whose Person is not yet written. */
  private readonly madeUp = new Set<string>();
  private readonly unwritten = new Set<string>();

  /** `repo` and `sql` must be the two halves of one `Repository.transaction`. */
  constructor(repo: Repository, sql: Queryable) {
    this.repo = repo;
    this.sql = sql;
  }

  /** A new person's id, made up here: no other writer can know it until this transaction commits. */
  newPersonId(): string {
    const id = randomUUID();
    this.madeUp.add(id);
    this.unwritten.add(id);
    return id;
  }

  /** patient id → person id, for those of the Patients that are linked. */
  async personsOf(patientIds: readonly string[]): Promise<Map<string, string>> {
    const links = await linksOf(this.sql, patientIds);
    return new Map([...links].map(([patientId, link]) => [patientId, link.personId]));
  }

  /** The person as FHIR (the view rebuilt from its links); 404 if never built. */
  async readPerson(personId: string): Promise<Person> {
    return (await this.repo.read('Person', personId)) as Person;
  }

  /** The current links of a person's records. */
  members(personId: string): Promise<LinkRow[]> {
    return membersOf(this.sql, [personId]);
  }

  /**
   * Links each Patient to its person, recording history, then rebuilds every affected Person
   * once. An automatic change never touches a manual link (manual decisions stick).
   */
  async applyLinks(changes: LinkChange[], actor: Actor, held?: HeldRecords): Promise<void> {
    await this.apply(changes, actor, undefined, held);
  }

  private async apply(changes: readonly LinkChange[], actor: Actor, action?: LinkAction, held: HeldRecords = new Map()): Promise<void> {
    const seen = new Set<string>();
    for (const c of changes) {
      if (seen.has(c.patientId)) throw invalid('IDENTITY_LINK_REPEATED', `Patient/${c.patientId} is linked twice in one change`, 'patient');
      seen.add(c.patientId);
    }
    const ids = changes.map((c) => c.patientId);
    // Records the caller read as unlinked have no link to read again (no lock guards either read).
    const unread = ids.filter((id) => held.get(id)?.linked !== false);
    const before = unread.length > 0 ? await linksOf(this.sql, unread) : new Map<string, LinkRow>();
    // Persons made up here need no lock. With nothing to lock (a new record becoming a new person)
    // nothing was waited for, so the links read are as current as a second read would be.
    const toLock = [...changes.map((c) => c.personId), ...[...before.values()].map((l) => l.personId)].filter((p) => !this.madeUp.has(p));
    let current = before;
    if (toLock.length > 0) {
      await lockPersons(this.sql, toLock);
      current = await linksOf(this.sql, ids, true);
    }
    const toWrite: LinkChange[] = [];
    const toRefresh: LinkChange[] = [];
    const history: HistoryAppend[] = [];
    for (const change of changes) {
      const link = current.get(change.patientId);
      if (link?.kind === 'manual' && change.kind !== 'manual') continue;
      if (link && sameLink(link, change)) {
        if (link.weight !== change.weight) toRefresh.push(change);
        continue;
      }
      toWrite.push(change);
      const moved = link !== undefined && link.personId !== change.personId;
      history.push({
        patientId: change.patientId, personId: change.personId, ...(link ? { previousPersonId: link.personId } : {}),
        action: action ?? (moved ? 'move' : 'link'), kind: change.kind, basis: change.basis,
        ...(change.weight !== undefined ? { weight: change.weight } : {}),
        ...(change.explanation ? { explanation: change.explanation } : {}),
        ...(change.reason ? { reason: change.reason } : {}),
      });
    }
    await refreshLinkScores(this.sql, toRefresh);
    if (toWrite.length === 0) return;
    const inHand = this.inHand(toWrite, actor, held);
    // Only new persons, built from records in hand: nothing is read back, so the links travel in the Persons' own write.
    if (toWrite.every((c) => inHand.has(c.personId) && !current.has(c.patientId))) {
      await this.writePersons([...inHand.keys()], { inHand, alongside: linkWriteParts(toWrite, actor, history) });
      return;
    }
    await writeLinks(this.sql, toWrite, actor, history);
    await this.rebuild(toWrite, current, inHand);
  }

  /** New persons (made up here, not yet written) whose every record the caller holds, as sources to build them from. */
  private inHand(written: readonly LinkChange[], actor: Actor, held: HeldRecords): Map<string, PersonSource[]> {
    const byPerson = new Map<string, LinkChange[]>();
    for (const c of written) if (this.unwritten.has(c.personId)) byPerson.set(c.personId, [...(byPerson.get(c.personId) ?? []), c]);
    const inHand = new Map<string, PersonSource[]>();
    const decidedAt = new Date().toISOString();
    for (const [personId, changes] of byPerson) {
      if (!changes.every((c) => held.has(c.patientId))) continue;
      inHand.set(personId, changes.map((c) => {
        const { patient, record } = held.get(c.patientId)!;
        const link: LinkRow = { patientId: c.patientId, personId, kind: c.kind, basis: c.basis, ...(c.weight !== undefined ? { weight: c.weight } : {}),
          ...(c.explanation ? { explanation: c.explanation } : {}), decidedBy: actor, ...(c.reason ? { reason: c.reason } : {}), decidedAt };
        return { link, patient, record };
      }));
    }
    return inHand;
  }

  /** Rebuilds the persons records left and joined; an emptied person redirects to where all its records went. */
  private async rebuild(written: readonly LinkChange[], previous: ReadonlyMap<string, LinkRow>, inHand: ReadonlyMap<string, PersonSource[]>): Promise<void> {
    const destinations = new Map<string, Map<string, string[]>>();
    for (const change of written) {
      const from = previous.get(change.patientId)?.personId;
      if (!from || from === change.personId) continue;
      const byTarget = destinations.get(from) ?? new Map<string, string[]>();
      byTarget.set(change.personId, [...(byTarget.get(change.personId) ?? []), change.patientId]);
      destinations.set(from, byTarget);
    }
    const redirects = new Map<string, Redirect>();
    for (const [from, byTarget] of destinations) {
      const [only] = byTarget;
      if (byTarget.size === 1 && only) redirects.set(from, { personId: only[0], patientIds: only[1] });
    }
    await this.writePersons([...written.map((c) => c.personId), ...destinations.keys()], { redirects, inHand });
  }

  /** Rebuilds the persons; those made up here and not yet written are created without a lock or a read. */
  private async writePersons(personIds: readonly string[], options: Omit<PersonWriteOptions, 'unwritten'> = {}): Promise<void> {
    await writePersons(this.repo, this.sql, personIds, { ...options, unwritten: this.unwritten });
    for (const id of personIds) this.unwritten.delete(id);
  }

  /**
   * Takes a record out of its person into a new person of its own, with a `different` rule
   * against each record left behind so no later run links them again. Returns the new person id.
   */
  async unlink(patientId: string, actor: Actor, reason: string): Promise<string> {
    const why = requireReason(reason);
    const link = (await linksOf(this.sql, [patientId])).get(patientId);
    if (!link) throw new FhirError('not-found', 'IDENTITY_NOT_LINKED', `Patient/${patientId} is not linked to any person`, 'patient');
    await lockPersons(this.sql, [link.personId]);
    const others = (await this.members(link.personId)).filter((m) => m.patientId !== patientId);
    if (others.length === 0) {
      throw new FhirError('conflict', 'IDENTITY_ALREADY_ALONE', `Patient/${patientId} is the only record of Person/${link.personId}`, 'patient');
    }
    const personId = this.newPersonId();
    // The record is alone by decision, but its new link is automatic: later runs may still find
    // its true person; the rules are what keep it away from the records it was taken from.
    const change: LinkChange = { patientId, personId, kind: 'auto', basis: 'sole', reason: why };
    await writeLinks(this.sql, [change], actor, [{ patientId, personId, previousPersonId: link.personId, action: 'unlink', kind: 'manual', basis: 'sole', reason: why }]);
    await rules.addRules(this.sql, others.map((o) => [patientId, o.patientId] as const), 'different', actor, why);
    await this.writePersons([link.personId, personId]);
    return personId;
  }

  /**
   * A source record that no longer exists (deleted) leaves matching: what matching knew of it goes,
   * its link is ended in the history with who and why, open candidates naming it are superseded, and
   * its person is rebuilt (inactive if it was the only record). Returns the person it left, if any.
   */
  async forget(patientId: string, actor: Actor, reason: string): Promise<string | undefined> {
    const why = requireReason(reason);
    await forgetRecord(this.sql, patientId);
    const link = (await linksOf(this.sql, [patientId])).get(patientId);
    if (!link) return undefined;
    await lockPersons(this.sql, [link.personId]);
    await deleteLink(this.sql, patientId);
    await appendHistory(this.sql, [{ patientId, previousPersonId: link.personId, action: 'unlink', kind: link.kind, reason: why }], actor);
    await queue.supersedeNaming(this.sql, patientId);
    await this.writePersons([link.personId]);
    return link.personId;
  }

  /** Records a standing rule about two records (stored left < right); a later rule replaces it. */
  addRule(a: string, b: string, rule: RuleKind, actor: Actor, reason: string): Promise<void> {
    return rules.addRule(this.sql, a, b, rule, actor, requireReason(reason));
  }

  /** The rules with at least one side among these records. */
  rulesAmong(patientIds: readonly string[]): Promise<LinkRule[]> {
    return rules.rulesAmong(this.sql, patientIds);
  }

  /** Queues review pairs: new ones open, open ones get the new score, decided ones stay decided. */
  upsertCandidates(pairs: readonly PairScore[]): Promise<CandidateUpsert> {
    return queue.upsertCandidates(this.sql, pairs);
  }

  /** Open candidates whose records are now both in this person become `superseded`; returns how many. */
  supersedeCandidatesWithin(personId: string): Promise<number> {
    return queue.supersedeWithin(this.sql, personId);
  }

  listCandidates(query: CandidateQuery): Promise<Candidate[]> {
    return queue.listCandidates(this.sql, query);
  }

  countCandidates(status?: CandidateStatus): Promise<number> {
    return queue.countCandidates(this.sql, status);
  }

  getCandidate(id: string): Promise<Candidate | undefined> {
    return queue.getCandidate(this.sql, id);
  }

  /**
   * A reviewer's decision. link: a `same` rule, and the right record's whole person merges into
   * the left record's person as manual links. reject: a `different` rule (and if the two are in
   * one person, the right record is unlinked from it). Deciding twice is a conflict.
   */
  async decide(id: string, decision: ReviewDecision, actor: Actor, reason: string): Promise<DecisionResult> {
    const why = requireReason(reason);
    const pair = await queue.closeCandidate(this.sql, id, decision === 'link' ? 'linked' : 'rejected', actor, why);
    const personId = decision === 'link' ? await this.merge(pair.left, pair.right, actor, why) : await this.reject(pair.left, pair.right, actor, why);
    const candidate = await this.getCandidate(id);
    return { candidate: candidate!, ...(personId ? { personId } : {}) };
  }

  private async reject(left: string, right: string, actor: Actor, why: string): Promise<string | undefined> {
    await rules.addRule(this.sql, left, right, 'different', actor, why);
    const persons = await this.personsOf([left, right]);
    if (persons.get(left) !== undefined && persons.get(left) === persons.get(right)) await this.unlink(right, actor, why);
    return persons.get(left);
  }

  /** Moves every record of the right record's person into the left record's person; returns that person. */
  private async merge(left: string, right: string, actor: Actor, why: string): Promise<string> {
    await rules.addRule(this.sql, left, right, 'same', actor, why);
    const persons = await this.personsOf([left, right]);
    const target = persons.get(left) ?? this.newPersonId();
    const from = persons.get(right);
    await lockPersons(this.sql, [target, ...(from ? [from] : [])]);
    const moving = from ? (await this.members(from)).map((m) => m.patientId) : [right];
    const manual = (patientId: string): LinkChange => ({ patientId, personId: target, kind: 'manual', basis: 'manual', reason: why });
    // An unlinked left record joins its own new person by the same decision.
    const changes = [...(persons.has(left) ? [] : [manual(left)]), ...(from === target ? [] : moving.map(manual))];
    await this.apply(changes, actor, 'merge');
    await this.supersedeCandidatesWithin(target);
    return target;
  }

  /** Link decisions about a record, or about every record ever in a person, newest first. */
  history(query: HistoryQuery): Promise<LinkHistoryEntry[]> {
    return readHistory(this.sql, query);
  }
}

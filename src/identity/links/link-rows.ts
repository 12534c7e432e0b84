// The SQL behind links: current identity_link rows, the person each identity_record belongs to,
// the append-only identity_link_history, and the locks that keep two writers off one person.
import { lockKeys } from '../../store/advisory-locks.ts';
import type { Queryable } from '../../store/driver.ts';
import { hash64 } from '../../store/hash.ts';
import { toInstant } from '../../store/stored-row.ts';
import { writeVersions, type SqlPart } from '../../store/write-resources.ts';
import type { PairScore } from '../match-types.ts';
import type { Actor, HistoryQuery, LinkAction, LinkBasis, LinkChange, LinkHistoryEntry, LinkKind, LinkRow } from './link-types.ts';

interface LinkSqlRow {
  patient_id: string;
  person_id: string;
  kind: LinkKind;
  basis: LinkBasis;
  weight: number | null;
  explanation: PairScore | null;
  decided_by: string;
  reason: string | null;
  decided_at: string;
}

interface HistorySqlRow {
  id: string;
  patient_id: string;
  person_id: string | null;
  previous_person_id: string | null;
  action: LinkAction;
  kind: LinkKind;
  basis: LinkBasis | null;
  weight: number | null;
  explanation: PairScore | null;
  decided_by: string;
  reason: string | null;
  at: string;
}

const LINK_COLUMNS = 'patient_id, person_id, kind, basis, weight, explanation, decided_by, reason, decided_at::text AS decided_at';

function toLink(row: LinkSqlRow): LinkRow {
  return {
    patientId: row.patient_id,
    personId: row.person_id,
    kind: row.kind,
    basis: row.basis,
    ...(row.weight !== null ? { weight: Number(row.weight) } : {}),
    ...(row.explanation ? { explanation: row.explanation } : {}),
    decidedBy: row.decided_by,
    ...(row.reason ? { reason: row.reason } : {}),
    decidedAt: toInstant(row.decided_at),
  };
}

function toHistory(row: HistorySqlRow): LinkHistoryEntry {
  return {
    id: row.id,
    patientId: row.patient_id,
    ...(row.person_id ? { personId: row.person_id } : {}),
    ...(row.previous_person_id ? { previousPersonId: row.previous_person_id } : {}),
    action: row.action,
    kind: row.kind,
    ...(row.basis ? { basis: row.basis } : {}),
    ...(row.weight !== null ? { weight: Number(row.weight) } : {}),
    ...(row.explanation ? { explanation: row.explanation } : {}),
    decidedBy: row.decided_by,
    ...(row.reason ? { reason: row.reason } : {}),
    at: toInstant(row.at),
  };
}

/**
 * Serialises writers per person for the rest of the transaction, in one order so two writers
 * cannot deadlock. The key space is separate from the store's resource locks.
 */
export async function lockPersons(sql: Queryable, personIds: Iterable<string>): Promise<void> {
  await lockKeys(sql, [...personIds].map((id) => hash64(`identity-person:${id}`)));
}

/** The current links of these Patients (those that have one), locked for update when asked. */
export async function linksOf(sql: Queryable, patientIds: readonly string[], forUpdate = false): Promise<Map<string, LinkRow>> {
  if (patientIds.length === 0) return new Map();
  const { rows } = await sql.query<LinkSqlRow>(
    `SELECT ${LINK_COLUMNS} FROM identity_link WHERE patient_id = ANY($1::text[]) ORDER BY patient_id${forUpdate ? ' FOR UPDATE' : ''}`,
    [[...new Set(patientIds)]],
  );
  return new Map(rows.map((row) => [row.patient_id, toLink(row)]));
}

/** The current links of every record of these persons, by patient id. */
export async function membersOf(sql: Queryable, personIds: readonly string[]): Promise<LinkRow[]> {
  if (personIds.length === 0) return [];
  const { rows } = await sql.query<LinkSqlRow>(
    `SELECT ${LINK_COLUMNS} FROM identity_link WHERE person_id = ANY($1::text[]) ORDER BY person_id, patient_id`,
    [[...new Set(personIds)]],
  );
  return rows.map(toLink);
}

/** Ends a record's current link (its history row is the caller's). */
export async function deleteLink(sql: Queryable, patientId: string): Promise<void> {
  await sql.query('DELETE FROM identity_link WHERE patient_id = $1', [patientId]);
}

/**
 * The links (insert or replace), each identity_record moved to its new person and the decisions
 * appended to the history, as parts of one write statement (store/write-resources.ts): on their own
 * (writeLinks), or alongside the Persons they change.
 */
export function linkWriteParts(changes: readonly LinkChange[], actor: Actor, history: readonly HistoryAppend[] = []): SqlPart[] {
  const parts: SqlPart[] = [];
  if (changes.length > 0) {
    const rows = JSON.stringify(changes.map((c) => ({
      patient_id: c.patientId, person_id: c.personId, kind: c.kind, basis: c.basis,
      weight: c.weight ?? null, explanation: c.explanation ?? null, reason: c.reason ?? null,
    })));
    const changed = (param: (value: unknown) => string) =>
      `jsonb_to_recordset(${param(rows)}::jsonb) AS c(patient_id text, person_id text, kind text, basis text, weight double precision, explanation jsonb, reason text)`;
    parts.push((param) => `INSERT INTO identity_link (patient_id, person_id, kind, basis, weight, explanation, decided_by, reason, decided_at)
       SELECT c.patient_id, c.person_id, c.kind, c.basis, c.weight, c.explanation, ${param(actor)}, c.reason, now() FROM ${changed(param)}
       ON CONFLICT (patient_id) DO UPDATE SET person_id = EXCLUDED.person_id, kind = EXCLUDED.kind, basis = EXCLUDED.basis,
         weight = EXCLUDED.weight, explanation = EXCLUDED.explanation, decided_by = EXCLUDED.decided_by,
         reason = EXCLUDED.reason, decided_at = EXCLUDED.decided_at`);
    // The records are found by key (the ids as an array): joined to the JSON rows alone, a plan made
    // once (planOnce) reads every record to find the one an HL7 message links.
    parts.push((param) => `UPDATE identity_record r SET person_id = c.person_id, updated_at = now()
       FROM ${changed(param)}
       WHERE r.patient_id = ANY(${param(changes.map((c) => c.patientId))}::text[]) AND r.patient_id = c.patient_id
         AND r.person_id IS DISTINCT FROM c.person_id`);
  }
  if (history.length > 0) parts.push((param) => historyInsert(param(historyDocument(history)), param(actor)));
  return parts;
}

/** Writes the links, moves the records and appends the history (linkWriteParts), in one statement. */
export async function writeLinks(sql: Queryable, changes: readonly LinkChange[], actor: Actor, history: readonly HistoryAppend[] = []): Promise<void> {
  await writeVersions(sql, [], linkWriteParts(changes, actor, history));
}

/** Refreshes weight and explanation of links whose person, kind and basis stay as they are. */
export async function refreshLinkScores(sql: Queryable, changes: readonly LinkChange[]): Promise<void> {
  if (changes.length === 0) return;
  await sql.query(
    `UPDATE identity_link l SET weight = c.weight, explanation = c.explanation
     FROM jsonb_to_recordset($1::jsonb) AS c(patient_id text, weight double precision, explanation jsonb)
     WHERE l.patient_id = c.patient_id`,
    [JSON.stringify(changes.map((c) => ({ patient_id: c.patientId, weight: c.weight ?? null, explanation: c.explanation ?? null })))],
  );
}

/** One decision to append to the history. */
/** A history row to append; its id, actor and time are the database's and the caller's. */
export type HistoryAppend = Omit<LinkHistoryEntry, 'id' | 'decidedBy' | 'at'>;

/** The history insert, given the parameters holding the entries (historyDocument) and the actor. */
function historyInsert(entries: string, actor: string): string {
  // Ordinality keeps the order given, so history ids read as the decisions were made.
  return `INSERT INTO identity_link_history (patient_id, person_id, previous_person_id, action, kind, basis, weight, explanation, decided_by, reason)
    SELECT h.v->>'patient_id', h.v->>'person_id', h.v->>'previous_person_id', h.v->>'action', h.v->>'kind', h.v->>'basis',
      (h.v->>'weight')::double precision, NULLIF(h.v->'explanation', 'null'::jsonb), ${actor}, h.v->>'reason'
    FROM jsonb_array_elements(${entries}::jsonb) WITH ORDINALITY AS h(v, n)
    ORDER BY h.n`;
}

function historyDocument(entries: readonly HistoryAppend[]): string {
  return JSON.stringify(entries.map((e) => ({
    patient_id: e.patientId, person_id: e.personId ?? null, previous_person_id: e.previousPersonId ?? null, action: e.action,
    kind: e.kind, basis: e.basis ?? null, weight: e.weight ?? null, explanation: e.explanation ?? null, reason: e.reason ?? null,
  })));
}

export async function appendHistory(sql: Queryable, entries: readonly HistoryAppend[], actor: Actor): Promise<void> {
  if (entries.length === 0) return;
  await sql.query(historyInsert('$1', '$2'), [historyDocument(entries), actor]);
}

/** Decisions about a record, or about everyone who was ever in a person, newest first. */
export async function readHistory(sql: Queryable, query: HistoryQuery, limit = 1000): Promise<LinkHistoryEntry[]> {
  const byPatient = 'patientId' in query;
  const { rows } = await sql.query<HistorySqlRow>(
    `SELECT id::text AS id, patient_id, person_id, previous_person_id, action, kind, basis, weight, explanation, decided_by, reason, at::text AS at
     FROM identity_link_history
     WHERE ${byPatient ? 'patient_id = $1' : '(person_id = $1 OR previous_person_id = $1)'}
     ORDER BY identity_link_history.id DESC LIMIT ${Math.max(1, Math.min(limit, 10_000))}`,
    [byPatient ? query.patientId : query.personId],
  );
  return rows.map(toHistory);
}

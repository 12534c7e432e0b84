// The review queue: pairs matching could neither link nor dismiss, with the score that explains
// them. A pair is open while its two records are in different persons and nobody has decided it.
import { FhirError } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { toInstant } from '../../store/stored-row.ts';
import type { MatchRecord, PairScore } from '../match-types.ts';
import type { Actor, Candidate, CandidateQuery, CandidateStatus, CandidateUpsert } from './link-types.ts';

interface CandidateSqlRow {
  id: string;
  left_id: string;
  right_id: string;
  weight: number;
  probability: number;
  explanation: PairScore;
  status: CandidateStatus;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  left_person: string | null;
  right_person: string | null;
  left_features: MatchRecord | null;
  right_features: MatchRecord | null;
}

const SELECT_CANDIDATES = `
  SELECT c.id::text AS id, c.left_id, c.right_id, c.weight, c.probability, c.explanation, c.status,
    c.created_at::text AS created_at, c.decided_by, c.decided_at::text AS decided_at, c.reason,
    COALESCE(ll.person_id, rl.person_id) AS left_person, COALESCE(lr.person_id, rr.person_id) AS right_person,
    rl.features AS left_features, rr.features AS right_features
  FROM identity_candidate c
  LEFT JOIN identity_link ll ON ll.patient_id = c.left_id
  LEFT JOIN identity_link lr ON lr.patient_id = c.right_id
  LEFT JOIN identity_record rl ON rl.patient_id = c.left_id
  LEFT JOIN identity_record rr ON rr.patient_id = c.right_id`;

function toCandidate(row: CandidateSqlRow): Candidate {
  const side = (patientId: string, personId: string | null, record: MatchRecord | null) => ({
    patientId, ...(personId ? { personId } : {}), ...(record ? { record } : {}),
  });
  return {
    id: row.id,
    left: side(row.left_id, row.left_person, row.left_features),
    right: side(row.right_id, row.right_person, row.right_features),
    weight: Number(row.weight),
    probability: Number(row.probability),
    score: row.explanation,
    status: row.status,
    createdAt: toInstant(row.created_at),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    ...(row.decided_at ? { decidedAt: toInstant(row.decided_at) } : {}),
    ...(row.reason ? { decisionReason: row.reason } : {}),
  };
}

/** The pair spelt left < right, field values following their sides. */
function ordered(pair: PairScore): PairScore {
  if (pair.left < pair.right) return pair;
  return { ...pair, left: pair.right, right: pair.left, fields: pair.fields.map(({ left, right, ...f }) => ({
    ...f, ...(right !== undefined ? { left: right } : {}), ...(left !== undefined ? { right: left } : {}),
  })) };
}

/**
 * Adds pairs as open candidates and refreshes the score of open ones. Decided pairs stay decided;
 * a superseded pair reopens only if its records are in different persons again. Pairs already in
 * one person, or covered by a reviewer's rule, are not queued.
 */
export async function upsertCandidates(sql: Queryable, pairs: readonly PairScore[]): Promise<CandidateUpsert> {
  const unique = new Map(pairs.filter((p) => p.left !== p.right).map(ordered).map((p) => [`${p.left}\n${p.right}`, p]));
  if (unique.size === 0) return { added: 0, refreshed: 0, skipped: pairs.length };
  const { rows } = await sql.query<{ inserted: boolean }>(
    `INSERT INTO identity_candidate (left_id, right_id, weight, probability, explanation)
     SELECT p.v->>'left', p.v->>'right', (p.v->>'weight')::double precision, (p.v->>'probability')::double precision, p.v
     FROM jsonb_array_elements($1::jsonb) AS p(v)
     WHERE NOT EXISTS (SELECT 1 FROM identity_rule r WHERE r.left_id = p.v->>'left' AND r.right_id = p.v->>'right')
       AND NOT EXISTS (SELECT 1 FROM identity_link a JOIN identity_link b ON b.person_id = a.person_id
                       WHERE a.patient_id = p.v->>'left' AND b.patient_id = p.v->>'right')
     ON CONFLICT (left_id, right_id) DO UPDATE SET weight = EXCLUDED.weight, probability = EXCLUDED.probability,
       explanation = EXCLUDED.explanation, status = 'open', decided_by = NULL, decided_at = NULL, reason = NULL
     WHERE identity_candidate.status IN ('open', 'superseded')
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify([...unique.values()])],
  );
  const added = rows.filter((r) => r.inserted).length;
  return { added, refreshed: rows.length - added, skipped: pairs.length - rows.length };
}

/** Open candidates whose two records are now in this one person are settled: superseded. */
export async function supersedeWithin(sql: Queryable, personId: string): Promise<number> {
  const { rows } = await sql.query(
    `UPDATE identity_candidate c SET status = 'superseded', decided_at = now()
     WHERE c.status = 'open'
       AND EXISTS (SELECT 1 FROM identity_link l WHERE l.patient_id = c.left_id AND l.person_id = $1)
       AND EXISTS (SELECT 1 FROM identity_link l WHERE l.patient_id = c.right_id AND l.person_id = $1)
     RETURNING c.id`,
    [personId],
  );
  return rows.length;
}

/** Open candidates naming this record (it is gone) become `superseded`. */
export async function supersedeNaming(sql: Queryable, patientId: string): Promise<void> {
  await sql.query(`UPDATE identity_candidate SET status = 'superseded', decided_at = now() WHERE status = 'open' AND (left_id = $1 OR right_id = $1)`, [patientId]);
}

/** Candidates, highest weight first; every status when `status` is not given. */
export async function listCandidates(sql: Queryable, query: CandidateQuery): Promise<Candidate[]> {
  const limit = Math.max(0, Math.min(Math.trunc(query.limit), 1000));
  const offset = Math.max(0, Math.trunc(query.offset));
  if (limit === 0) return [];
  const params: unknown[] = [];
  const where = query.status ? `WHERE c.status = $${params.push(query.status)}` : '';
  const { rows } = await sql.query<CandidateSqlRow>(
    `${SELECT_CANDIDATES} ${where} ORDER BY c.weight DESC, c.id LIMIT ${limit} OFFSET ${offset}`, params);
  return rows.map(toCandidate);
}

export async function countCandidates(sql: Queryable, status?: CandidateStatus): Promise<number> {
  const { rows } = await sql.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM identity_candidate${status ? ' WHERE status = $1' : ''}`, status ? [status] : []);
  return Number(rows[0]?.n ?? 0);
}

export async function getCandidate(sql: Queryable, id: string): Promise<Candidate | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const { rows } = await sql.query<CandidateSqlRow>(`${SELECT_CANDIDATES} WHERE c.id = $1::bigint`, [id]);
  return rows[0] && toCandidate(rows[0]);
}

/**
 * Claims an open candidate for a decision (so two reviewers cannot both decide it): 404 when it
 * does not exist, 409 when it is no longer open.
 */
export async function closeCandidate(sql: Queryable, id: string, status: CandidateStatus, actor: Actor, reason: string): Promise<{ left: string; right: string }> {
  const { rows } = await sql.query<{ left_id: string; right_id: string }>(
    `UPDATE identity_candidate SET status = $2, decided_by = $3, reason = $4, decided_at = now()
     WHERE id = $1::bigint AND status = 'open' RETURNING left_id, right_id`,
    [/^\d{1,18}$/.test(id) ? id : '0', status, actor, reason],
  );
  if (rows[0]) return { left: rows[0].left_id, right: rows[0].right_id };
  const existing = await getCandidate(sql, id);
  if (!existing) throw new FhirError('not-found', 'IDENTITY_CANDIDATE_NOT_FOUND', `No review candidate ${id}`, 'candidate');
  const by = existing.decidedBy ? ` by ${existing.decidedBy}` : '';
  throw new FhirError('conflict', 'IDENTITY_CANDIDATE_DECIDED', `Review candidate ${id} is already ${existing.status}${by}`, 'candidate');
}

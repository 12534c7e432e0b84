// Claims a user makes about one person's record: a self-claimed relationship or break-glass (each
// with a reason, each lasting a few hours), and the person's answer when asked for consent to view.
// Rows are never updated; the newest answer wins, expired rows remain for review.
import type { Queryable } from '../../store/driver.ts';
import { personKeyOf } from '../../store/hash.ts';
import type { Principal } from '../principal.ts';
import type { PersonLinks } from './person-links.ts';

export type ClaimKind = 'self-claim' | 'break-glass' | 'consent-given' | 'consent-refused';

export interface NewClaim {
  principal: Principal;
  patientId: string;
  kind: ClaimKind;
  reason: string;
  expiresAt: Date;
}

export async function recordClaim(q: Queryable, claim: NewClaim): Promise<void> {
  const p = claim.principal;
  await q.query(
    `INSERT INTO access_claim (subject, subject_name, role, organization, patient_id, person_key, kind, reason, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [p.subject, p.name ?? null, p.role ?? null, p.organization ?? null, claim.patientId, personKeyOf(claim.patientId), claim.kind, claim.reason,
      claim.expiresAt.toISOString()],
  );
}

/**
 * Record keys (whole persons) for which this caller's newest unexpired consent-to-view answer is "yes",
 * among `scopeKeys` when given.
 */
export async function consentToViewGiven(q: Queryable, links: PersonLinks, subject: string, now: Date, scopeKeys?: readonly string[]): Promise<Set<string>> {
  const params: unknown[] = [subject, now.toISOString()];
  if (scopeKeys) params.push(scopeKeys);
  const { rows } = await q.query<{ seed_key: string; person_key: string; kind: ClaimKind }>(
    `WITH answers AS (
       SELECT DISTINCT ON (person_key) person_key, kind FROM access_claim
        WHERE subject = $1 AND kind IN ('consent-given', 'consent-refused') AND expires_at > $2::timestamptz${scopeKeys ? ' AND person_key = ANY($3::bigint[])' : ''}
        ORDER BY person_key, id DESC
     ), seed_keys AS (SELECT person_key FROM answers WHERE kind = 'consent-given'),
     same AS (${links.samePersonSql('seed_keys')})
     SELECT a.person_key AS seed_key, coalesce(m.person_key, a.person_key) AS person_key, a.kind
       FROM answers a LEFT JOIN same m ON m.seed_key = a.person_key WHERE a.kind = 'consent-given'`,
    params,
  );
  const keys = new Set<string>();
  for (const row of rows) {
    keys.add(row.seed_key);
    keys.add(row.person_key);
  }
  return keys;
}

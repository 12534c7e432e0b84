// Reviewers' standing decisions about pairs of source Patients (same person / never the same),
// kept once per pair with left < right; a later decision on the pair replaces the earlier one.
import { invalid } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import { toInstant } from '../../store/stored-row.ts';
import type { Actor, LinkRule, RuleKind } from './link-types.ts';

interface RuleSqlRow {
  left_id: string;
  right_id: string;
  rule: RuleKind;
  decided_by: string;
  reason: string | null;
  at: string;
}

/** The pair in its one spelling: left < right in string order. */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

/** Records (or replaces) the rule for the pair of `a` and `b`. */
export async function addRule(sql: Queryable, a: string, b: string, rule: RuleKind, actor: Actor, reason?: string): Promise<void> {
  await addRules(sql, [[a, b]], rule, actor, reason);
}

/** Records one rule for each pair, all with the same decider and reason. */
export async function addRules(sql: Queryable, pairs: ReadonlyArray<readonly [string, string]>, rule: RuleKind, actor: Actor, reason?: string): Promise<void> {
  if (pairs.some(([a, b]) => a === b)) throw invalid('IDENTITY_RULE_SELF', 'A rule needs two different records', 'patient');
  if (pairs.length === 0) return;
  const ordered = pairs.map(([a, b]) => orderedPair(a, b));
  await sql.query(
    `INSERT INTO identity_rule (left_id, right_id, rule, decided_by, reason, at)
     SELECT DISTINCT l, r, $3, $4, $5::text, now() FROM unnest($1::text[], $2::text[]) AS p(l, r)
     ON CONFLICT (left_id, right_id) DO UPDATE SET rule = EXCLUDED.rule, decided_by = EXCLUDED.decided_by,
       reason = EXCLUDED.reason, at = EXCLUDED.at`,
    [ordered.map(([l]) => l), ordered.map(([, r]) => r), rule, actor, reason ?? null],
  );
}

/** Every rule with at least one side among these Patients. */
export async function rulesAmong(sql: Queryable, patientIds: readonly string[]): Promise<LinkRule[]> {
  if (patientIds.length === 0) return [];
  const { rows } = await sql.query<RuleSqlRow>(
    `SELECT left_id, right_id, rule, decided_by, reason, at::text AS at FROM identity_rule
     WHERE left_id = ANY($1::text[]) OR right_id = ANY($1::text[]) ORDER BY left_id, right_id`,
    [[...new Set(patientIds)]],
  );
  return rows.map((row) => ({
    left: row.left_id,
    right: row.right_id,
    rule: row.rule,
    decidedBy: row.decided_by,
    ...(row.reason ? { reason: row.reason } : {}),
    at: toInstant(row.at),
  }));
}

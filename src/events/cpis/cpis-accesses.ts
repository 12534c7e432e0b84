// The most recent unscheduled-care accesses to a child's record, read from the audit trail: CP-IS
// shows the last 25 beside the plan, so a clinician sees the child was brought in elsewhere lately.
// See: /work/shared/reference/uk-standards.md §4 and docs/events/cpis.md
import type { AuditOutcome } from '../../governance/audit/access-record.ts';
import { OUTCOME_CODES } from '../../governance/audit/balp.ts';
import type { Queryable } from '../../store/driver.ts';
import { toInstant } from '../../store/stored-row.ts';
import { DEFAULT_UNSCHEDULED_CARE, type UnscheduledCareSettings } from './unscheduled-care.ts';

/** CP-IS keeps the 25 most recent unscheduled-care accesses per child. */
export const CPIS_ACCESS_LIMIT = 25;

export interface CpisAccess {
  /** The audit event's id (its chain seq). */
  id: string;
  recorded: string;
  /** The member of staff's name, or their user id when the token carried no name. */
  who: string;
  role?: string;
  organisation?: string;
  outcome: AuditOutcome;
}

interface AccessRow {
  seq: string;
  recorded: string;
  agent_subject: string;
  agent_name: string | null;
  agent_role: string | null;
  agent_org: string | null;
  outcome: string;
}

const OUTCOME_OF = new Map(Object.entries(OUTCOME_CODES).map(([outcome, code]) => [code as string, outcome as AuditOutcome]));

// `patients && $1` uses the GIN index on audit_event.patients; the role and site tests keep other
// staff's reads (the child's own social worker, the GP) out of the list.
const ACCESSES_SQL = `
SELECT seq::text AS seq, recorded::text AS recorded, agent_subject, agent_name, agent_role, agent_org, outcome
  FROM audit_event
 WHERE patients && $1::text[]
   AND agent_kind = 'user'
   AND agent_org = ANY($2::text[])
   AND agent_role = ANY($3::text[])
 ORDER BY recorded DESC, seq DESC
 LIMIT $4`;

/**
 * The newest `limit` audited requests about any of `patientRefs` (`Patient/{id}`, every record of
 * the child) made by unscheduled-care staff, newest first. Refused requests are listed too.
 */
export async function recentCpisAccesses(db: Queryable, patientRefs: readonly string[], limit = CPIS_ACCESS_LIMIT,
  settings: UnscheduledCareSettings = DEFAULT_UNSCHEDULED_CARE): Promise<CpisAccess[]> {
  if (patientRefs.length === 0 || limit <= 0 || settings.organisations.length === 0 || settings.roles.length === 0) return [];
  const { rows } = await db.query<AccessRow>(ACCESSES_SQL, [[...new Set(patientRefs)], [...settings.organisations], [...settings.roles], Math.floor(limit)]);
  return rows.map((row) => ({
    id: row.seq,
    recorded: toInstant(row.recorded),
    who: row.agent_name ?? row.agent_subject,
    ...(row.agent_role ? { role: row.agent_role } : {}),
    ...(row.agent_org ? { organisation: row.agent_org } : {}),
    outcome: OUTCOME_OF.get(row.outcome) ?? 'failed',
  }));
}

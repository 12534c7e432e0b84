// CP-IS: each time unscheduled-care staff (A&E, urgent care) open the record of a child on a
// child-protection plan, looked after, or unborn on a plan, the responsible council is told who,
// where and when: a Task in its inbox (which subscriptions then announce), followed up to closure by
// the council. The source is the audit trail itself, read in order from a saved position, so every
// access that was shown is considered once, even across restarts.
import type { Flag, Reference } from '@medplum/fhirtypes';
import { OUTCOME_CODES } from '../../governance/audit/balp.ts';
import { samePerson } from '../../governance/policy/access-grant.ts';
import { personKeyOf } from '../../store/hash.ts';
import { toInstant } from '../../store/stored-row.ts';
import type { EventsContext } from '../events-context.ts';
import { NOTIFICATION } from '../event-codes.ts';
import { nameBasedUuid } from '../../fhir/name-based-uuid.ts';
import { councilReference, notificationTask } from '../notification-task.ts';
import { cpisPlansFor, type CpisPlan } from './cpis-plans.ts';
import { DEFAULT_UNSCHEDULED_CARE, isUnscheduledCare, type UnscheduledCareSettings } from './unscheduled-care.ts';

const CURSOR = 'cpis-access';

interface AccessRow {
  seq: string;
  recorded: string;
  agent_subject: string;
  agent_kind: string;
  agent_name: string | null;
  agent_role: string | null;
  agent_org: string | null;
  patients: string[];
  outcome: string;
}

/** Reads the next accesses after the saved position and notifies councils; returns how many it read. */
export async function watchCpisAccesses(ctx: EventsContext, settings: UnscheduledCareSettings = DEFAULT_UNSCHEDULED_CARE, batch = 200): Promise<number> {
  return ctx.repo.transaction(async (repo, tx) => {
    // Locked for this transaction: one watcher at a time moves the position.
    const { rows: [cursor] } = await tx.query<{ position: string }>('SELECT position FROM event_cursor WHERE name = $1 FOR UPDATE', [CURSOR]);
    const { rows } = await tx.query<AccessRow & { last: string }>(
      `SELECT seq, recorded, outcome, agent_subject, agent_kind, agent_name, agent_role, agent_org, patients FROM audit_event
       WHERE seq > $1 ORDER BY seq LIMIT $2`, [cursor!.position, batch]);
    // Only what was shown: a refused or failed request disclosed nothing to notify about.
    if (rows.length === 0) return 0;
    const ctxInTx = { ...ctx, repo, db: tx };
    for (const row of rows) {
      // The same test as the accesses listed beside the plan: a system at the A&E site is not a clinician seeing the child.
      const caller = { kind: row.agent_kind, ...(row.agent_role ? { role: row.agent_role } : {}), ...(row.agent_org ? { organization: row.agent_org } : {}) };
      if (row.outcome !== OUTCOME_CODES.success || row.patients.length === 0 || !isUnscheduledCare(caller, settings)) continue;
      await notifyCouncils(ctxInTx, row);
    }
    await tx.query('UPDATE event_cursor SET position = $2 WHERE name = $1', [CURSOR, rows.at(-1)!.seq]);
    return rows.length;
  });
}

async function notifyCouncils(ctx: EventsContext, access: AccessRow): Promise<void> {
  const seeds = access.patients.filter((p) => p.startsWith('Patient/')).map((p) => personKeyOf(p.slice('Patient/'.length)));
  const keys = await samePerson(ctx.db, ctx.governance.links, seeds);
  const { rows } = await ctx.db.query<{ id: string }>(`SELECT id FROM resource WHERE type = 'Patient' AND NOT deleted AND person_key = ANY($1::bigint[])`, [keys]);
  // The driver hands timestamptz over as PostgreSQL text in the session's time zone, not a FHIR instant.
  const recorded = toInstant(access.recorded);
  const plans = await cpisPlansFor(ctx.repo, rows.map((r) => r.id), new Date(recorded));
  const day = recorded.slice(0, 10);
  for (const plan of plans) {
    const flag = await ctx.repo.read('Flag', plan.flagRef.slice('Flag/'.length)) as Flag;
    // One notification per plan, member of staff and day: a visit reads the record many times.
    const eventId = nameBasedUuid('cpis-access', plan.flagRef, access.agent_subject, access.agent_org ?? '', day);
    const who = `${access.agent_name ?? access.agent_subject}${access.agent_role ? ` (${access.agent_role})` : ''}`;
    const task = notificationTask({
      eventId, code: NOTIFICATION.cpisAccess, owner: councilOf(plan), for: flag.subject, focus: { reference: plan.flagRef },
      description: `${plan.planType.display}: seen in unscheduled care by ${who} at ${access.agent_org ?? 'an unscheduled-care site'} on ${recorded}`,
      occurred: recorded, now: new Date(), priority: 'urgent',
    });
    const existing = await ctx.repo.read('Task', task.id!).catch(() => undefined);
    if (!existing) await ctx.repo.putMany([task]);
  }
}

function councilOf(plan: CpisPlan): Reference {
  if (plan.council.reference) return { reference: plan.council.reference, ...(plan.council.name ? { display: plan.council.name } : {}) };
  if (plan.council.gss) return councilReference(plan.council.gss, plan.council.name);
  return { display: plan.council.name ?? 'Responsible council' };
}

// Receiving a Care Act notice or a council's answer (by $process-message, or over MESH): each message
// is applied to its hospital stay's state once, kept whole, and — for a notice — put in the council's
// inbox as a Task whose due date is the council's deadline; an answer closes that Task. Runs in the
// caller's transaction, so the state, the message and the Task commit together.
import type { Task } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM, ODS_ORGANIZATION_SYSTEM } from '../../fhir/systems.ts';
import type { Queryable } from '../../store/driver.ts';
import type { Repository } from '../../store/repository.ts';
import { NOTIFICATION } from '../event-codes.ts';
import { nameBasedUuid } from '../../fhir/name-based-uuid.ts';
import { councilReference, notificationTask } from '../notification-task.ts';
import { parseAdwMessage, type AdwMessage } from './adw-message.ts';
import { adwStayKey, applyAdwMessage, deadlines, DEFAULT_ADW_TIMINGS, type AdwDeadline, type AdwStayState, type AdwTimingSettings } from './adw-stay.ts';

export interface AdwReceipt {
  message: AdwMessage;
  state: AdwStayState;
  warnings: string[];
  deadlines: AdwDeadline[];
  /** The message was received before: nothing changed. */
  duplicate: boolean;
  /** The inbox Task the notice opened or the answer closed. */
  task?: Task;
}

export async function receiveAdwMessage(repo: Repository, tx: Queryable, bundle: unknown, now = new Date(),
  timings: AdwTimingSettings = DEFAULT_ADW_TIMINGS): Promise<AdwReceipt> {
  const message = parseAdwMessage(bundle);
  const stay = adwStayKey(message);
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`adw:${stay}`]);
  const { rows: [row] } = await tx.query<{ state: AdwStayState }>('SELECT state FROM adw_stay WHERE stay = $1', [stay]);
  const { state, warnings } = applyAdwMessage(row?.state, message, now, timings);
  const { rows: seen } = await tx.query('SELECT 1 FROM adw_message WHERE message_id = $1', [message.messageId]);
  const duplicate = seen.length > 0;
  let task: Task | undefined;
  if (!duplicate) {
    await tx.query('INSERT INTO adw_message (message_id, stay, kind, message) VALUES ($1, $2, $3, $4::jsonb)', [message.messageId, stay, message.kind, JSON.stringify(bundle)]);
    await tx.query(
      `INSERT INTO adw_stay (stay, council, state) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (stay) DO UPDATE SET state = EXCLUDED.state, council = EXCLUDED.council, updated_at = clock_timestamp()`,
      [stay, message.council.gss ?? message.council.ods ?? null, JSON.stringify(state)]);
    task = message.kind === 'response' ? await closeNoticeTask(repo, message, now) : await openNoticeTask(repo, message, state, now, timings);
  }
  return { message, state, warnings, deadlines: deadlines(state, now, timings), duplicate, ...(task ? { task } : {}) };
}

/** The stay's state and deadlines, by the hospital's ODS code and encounter identifier. */
export async function adwStay(db: Queryable, stay: string, now = new Date(), timings: AdwTimingSettings = DEFAULT_ADW_TIMINGS) {
  const { rows: [row] } = await db.query<{ state: AdwStayState }>('SELECT state FROM adw_stay WHERE stay = $1', [stay]);
  return row ? { state: row.state, deadlines: deadlines(row.state, now, timings) } : undefined;
}

const taskIdOf = (noticeId: string) => nameBasedUuid('adw-notice', noticeId);

async function openNoticeTask(repo: Repository, message: AdwMessage, state: AdwStayState, now: Date, timings: AdwTimingSettings): Promise<Task> {
  const due = deadlines(state, now, timings).find((d) => d.noticeId === message.messageId && d.what === 'council-response')?.due;
  const patient = await patientByNhsNumber(repo, message.patient.nhsNumber);
  const council = message.council.gss
    ? councilReference(message.council.gss, message.council.name)
    : { identifier: { system: ODS_ORGANIZATION_SYSTEM, value: message.council.ods ?? '' }, display: message.council.name };
  const where = [message.stay.hospital.name ?? message.stay.hospital.ods, message.stay.ward].filter(Boolean).join(', ');
  const task = notificationTask({
    eventId: message.messageId, code: NOTIFICATION.adwNotice, owner: council,
    for: patient ? { reference: `Patient/${patient}` } : { identifier: { system: NHS_NUMBER_SYSTEM, value: message.patient.nhsNumber } },
    focus: { identifier: { system: message.stay.encounter.system ?? 'urn:sharedcare:adw:encounter', value: message.stay.encounter.value }, type: 'Encounter' },
    requester: { identifier: { system: ODS_ORGANIZATION_SYSTEM, value: message.stay.hospital.ods }, ...(message.stay.hospital.name ? { display: message.stay.hospital.name } : {}) },
    description: `${message.event.display} (${where})${state.proposedDischarge ? `; proposed discharge ${state.proposedDischarge}` : ''}`,
    occurred: message.issued, now, priority: 'urgent', ...(due ? { due } : {}),
  });
  const withId = { ...task, id: taskIdOf(message.messageId), businessStatus: { text: 'awaiting response' } };
  await repo.putMany([withId]);
  return withId;
}

async function closeNoticeTask(repo: Repository, message: AdwMessage, now: Date): Promise<Task | undefined> {
  if (!message.respondsTo) return undefined;
  const task = await repo.read('Task', taskIdOf(message.respondsTo)).catch(() => undefined) as Task | undefined;
  if (!task) return undefined;
  const closed: Task = { ...task, status: 'completed', businessStatus: { text: `${message.answer}${message.reason?.text ? `: ${message.reason.text}` : ''}` }, lastModified: now.toISOString() };
  await repo.putMany([closed]);
  return closed;
}

/** The person's record to hang the Task on: any record with this NHS number. */
async function patientByNhsNumber(repo: Repository, nhsNumber: string): Promise<string | undefined> {
  const query: Array<[string, string]> = [['identifier', `${NHS_NUMBER_SYSTEM}|${nhsNumber}`], ['_count', '1']];
  const result = await repo.search(repo.parseSearch('Patient', query), { owner: 'Patient', query });
  return result.matches[0]?.resource.id;
}

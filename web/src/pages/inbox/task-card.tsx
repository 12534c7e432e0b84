// One notice in the team inbox: what happened, to whom, when and where, its status and notes, and
// what the team can do with it (acknowledge, complete with an optional note).
import type { Task } from '@medplum/fhirtypes';
import { useId, useState, type FormEvent } from 'react';
import { followLink } from '../../lib/router.ts';
import { conceptText, nhsIdentifierOf, personName, formatNhsNumber } from '../record/person-format.ts';
import { acknowledged, AWAITING_ACKNOWLEDGEMENT, completed, isConflict, saveTask } from './task-actions.ts';
import { NOTIFICATION_SYSTEM, occurredAt, type InboxRow } from './team-tasks.ts';
import { instantsInWords, timeInWords } from './when.ts';

const STATUS_WORDS: Partial<Record<Task['status'], [string, string]>> = {
  requested: ['New', 'nhsuk-tag--blue'],
  received: ['New', 'nhsuk-tag--blue'],
  accepted: ['Acknowledged', 'nhsuk-tag--yellow'],
  'in-progress': ['Acknowledged', 'nhsuk-tag--yellow'],
  completed: ['Completed', 'nhsuk-tag--green'],
};

export interface TaskCardProps {
  row: InboxRow;
  /** "Sam Okafor, London Borough of Hackney": who signs what the user does. */
  signedBy: string;
  /** Called once a change is saved, with what happened in words. */
  onSaved(message: string): void;
  /** Reads the inbox again (after a conflict). */
  onReload(): void;
}

export function TaskCard({ row, signedBy, onSaved, onReload }: TaskCardProps) {
  const { task } = row;
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [note, setNote] = useState('');
  const what = conceptText(task.code) ?? 'Notice';
  const person = personOf(row);
  const open = task.status !== 'completed' && task.status !== 'cancelled';

  async function save(changed: Task, message: string) {
    setBusy(true);
    setError(undefined);
    try {
      await saveTask(changed);
      onSaved(message);
    } catch (err) {
      setError(err as Error);
    } finally {
      setBusy(false);
    }
  }

  const complete = (event: FormEvent) => {
    event.preventDefault();
    void save(completed(task, signedBy, note), `${what} for ${person.name} marked as complete`);
  };

  const [statusText, statusClass] = STATUS_WORDS[task.status] ?? [task.status, 'nhsuk-tag--grey'];
  return (
    <li className="nhsuk-card" data-task-id={task.id}>
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m" id={`${id}-heading`}>
          {what}: {person.name}
        </h2>
        <p className="nhsuk-body-s">
          <strong className={`nhsuk-tag ${statusClass}`}>{statusText}</strong>
          {task.priority === 'urgent' && open && <> <strong className="nhsuk-tag nhsuk-tag--red">Urgent</strong></>}
        </p>
        <dl className="nhsuk-summary-list">
          <Row label="Person">
            {person.link ? <a href={person.link} onClick={followLink}>{person.name}</a> : person.name}
            {person.nhsNumber && <><br />NHS number {person.nhsNumber}</>}
          </Row>
          <Row label="When">{timeInWords(occurredAt(task))}</Row>
          {row.hospital && <Row label="Hospital">{row.hospital}</Row>}
          {task.description && <Row label="Details">{instantsInWords(task.description)}</Row>}
          {task.owner?.display && <Row label="For">{task.owner.display}</Row>}
          {task.restriction?.period?.end && open && <Row label="Respond by">{timeInWords(task.restriction.period.end)}</Row>}
          {task.businessStatus && <Row label="Progress">{conceptText(task.businessStatus)}</Row>}
          {task.note?.length ? (
            <Row label="Notes">
              <ul className="nhsuk-list">
                {task.note.map((n, i) => (
                  <li key={i}>{n.text} <span className="sc-source">({[n.authorString, n.time && timeInWords(n.time)].filter(Boolean).join(', ')})</span></li>
                ))}
              </ul>
            </Row>
          ) : null}
        </dl>
        {error && <SaveProblem error={error} onReload={onReload} />}
        {open && (
          <div className="sc-task-actions">
            {AWAITING_ACKNOWLEDGEMENT.has(task.status) && (
              <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={busy}
                onClick={() => void save(acknowledged(task, signedBy), `${what} for ${person.name} acknowledged`)}>
                Acknowledge<span className="nhsuk-u-visually-hidden"> {what.toLowerCase()}: {person.name}</span>
              </button>
            )}
            <details className="nhsuk-details">
              <summary className="nhsuk-details__summary">
                <span className="nhsuk-details__summary-text">Complete this task<span className="nhsuk-u-visually-hidden">: {person.name}</span></span>
              </summary>
              <div className="nhsuk-details__text">
                <form onSubmit={complete} noValidate>
                  <div className="nhsuk-form-group">
                    <label className="nhsuk-label" htmlFor={`${id}-note`}>Note (optional)</label>
                    <div className="nhsuk-hint" id={`${id}-hint`}>
                      For example, what the team did or arranged.
                      {isCareActNotice(task) && ' This closes the task here only: the council\'s answer to the hospital is sent from its case system.'}
                    </div>
                    <textarea className="nhsuk-textarea" id={`${id}-note`} name="note" rows={3} aria-describedby={`${id}-hint`}
                      value={note} onChange={(e) => setNote(e.target.value)} />
                  </div>
                  <button className="nhsuk-button" type="submit" disabled={busy}>
                    Mark as complete<span className="nhsuk-u-visually-hidden">: {what.toLowerCase()}, {person.name}</span>
                  </button>
                </form>
              </div>
            </details>
          </div>
        )}
      </div>
    </li>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

function SaveProblem({ error, onReload }: { error: Error; onReload(): void }) {
  const conflict = isConflict(error);
  return (
    <div className="nhsuk-error-summary" role="alert" tabIndex={-1}>
      <h3 className="nhsuk-error-summary__title">{conflict ? 'Someone else changed this task' : 'The task was not saved'}</h3>
      <div className="nhsuk-error-summary__body">
        <p>{conflict ? 'Someone else changed this task, reload to see the latest version before you change it.' : error.message}</p>
        {conflict && <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onReload}>Reload the inbox</button>}
      </div>
    </div>
  );
}

const isCareActNotice = (task: Task): boolean => !!task.code?.coding?.some((c) => c.system === NOTIFICATION_SYSTEM && c.code === 'adw-notice');

/** The person a notice is about: the council's record when it is readable, else the NHS number the notice gives. */
function personOf(row: InboxRow): { name: string; nhsNumber?: string; link?: string } {
  const { patient, task } = row;
  if (patient) {
    const nhs = nhsIdentifierOf(patient)?.value;
    return { name: personName(patient.name), ...(nhs ? { nhsNumber: formatNhsNumber(nhs) } : {}), link: `/record/Patient/${patient.id}` };
  }
  const byNumber = task.for?.identifier?.value;
  return { name: task.for?.display ?? 'Person not yet matched', ...(byNumber ? { nhsNumber: formatNhsNumber(byNumber) } : {}) };
}

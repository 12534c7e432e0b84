// What acknowledging and completing a notice change in its Task, saved with If-Match on the version
// the user saw: if someone else changed the Task since, the server answers 412 and nothing is lost.
// See: https://hl7.org/fhir/R4/task.html#statemachine
import type { Annotation, Task } from '@medplum/fhirtypes';
import { fhir, FhirProblem } from '../../lib/fhir.ts';

/** Statuses a notice can still be acknowledged from. */
export const AWAITING_ACKNOWLEDGEMENT: ReadonlySet<Task['status']> = new Set(['requested', 'received']);

const signed = (by: string, at: string, text: string): Annotation => ({ authorString: by, time: at, text });

/**
 * Acknowledging moves the Task to `in-progress`, not `accepted`: the team has picked the notice up and
 * is following it up (discharge planning, a CP-IS follow-up), which is FHIR's "started but not yet
 * complete"; `accepted` says only that someone agreed to act. The open lists sharedcare documents for
 * council systems (`status=requested,in-progress`, docs/events/cpis.md) keep showing it either way.
 */
export function acknowledged(task: Task, by: string, now = new Date()): Task {
  const at = now.toISOString();
  return {
    ...task,
    status: 'in-progress',
    lastModified: at,
    executionPeriod: { ...task.executionPeriod, start: task.executionPeriod?.start ?? at },
    note: [...(task.note ?? []), signed(by, at, 'Acknowledged')],
  };
}

/** Completing closes the Task (from any open status) with who did it, when, and their note if any. */
export function completed(task: Task, by: string, note: string, now = new Date()): Task {
  const at = now.toISOString();
  return {
    ...task,
    status: 'completed',
    lastModified: at,
    executionPeriod: { start: task.executionPeriod?.start ?? at, end: at },
    note: [...(task.note ?? []), signed(by, at, note.trim() || 'Completed')],
  };
}

/** Saves the changed Task on the version it was read at. */
export function saveTask(task: Task): Promise<Task> {
  return fhir<Task>(`Task/${task.id}`, { method: 'PUT', body: task, headers: { 'if-match': `W/"${task.meta?.versionId ?? '0'}"` } });
}

/** The server's answer when the Task changed since it was read (If-Match did not match). */
export const isConflict = (error: unknown): boolean => error instanceof FhirProblem && (error.status === 412 || error.status === 409);

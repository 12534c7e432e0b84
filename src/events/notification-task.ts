// The Task a notification leaves in a team's inbox: what happened, to whom, where, and why this team
// (the episode or allocation that makes the person theirs). Its id comes from the event and the
// team, so routing the same event again rewrites the same Task instead of adding a second.
import type { Reference, Task } from '@medplum/fhirtypes';
import { nameBasedUuid } from '../fhir/name-based-uuid.ts';
import { DERIVED_SOURCES, ONS_GSS_CODE_SYSTEM } from '../fhir/systems.ts';
import { NOTIFICATION_SYSTEM } from './event-codes.ts';

/** Identifier system of the event a Task was raised for (receivers can de-duplicate on it). */
export const EVENT_IDENTIFIER_SYSTEM = 'urn:sharedcare:event';

/** A council named by its ONS GSS code, as a Task's owner (a logical reference: it may have no Organization here). */
export function councilReference(gss: string, name?: string): Reference {
  return { identifier: { system: ONS_GSS_CODE_SYSTEM, value: gss }, ...(name ? { display: name } : {}) };
}

export interface NotificationTaskInput {
  eventId: string;
  code: { code: string; display: string };
  description: string;
  owner: Reference;
  for: Reference;
  focus: Reference;
  requester?: Reference;
  reason?: Reference;
  /** When what it tells of happened. */
  occurred: string;
  now: Date;
  /** When the team must act by, if there is a deadline. */
  due?: string;
  priority?: Task['priority'];
}

export function notificationTask(input: NotificationTaskInput): Task {
  const owner = input.owner.reference ?? `${input.owner.identifier?.system}|${input.owner.identifier?.value}`;
  return {
    resourceType: 'Task',
    id: nameBasedUuid(input.eventId, owner),
    meta: { source: DERIVED_SOURCES.events },
    identifier: [{ system: EVENT_IDENTIFIER_SYSTEM, value: input.eventId }],
    status: 'requested',
    intent: 'order',
    priority: input.priority ?? 'routine',
    code: { coding: [{ system: NOTIFICATION_SYSTEM, code: input.code.code, display: input.code.display }], text: input.code.display },
    description: input.description,
    focus: input.focus,
    for: input.for,
    authoredOn: input.now.toISOString(),
    lastModified: input.now.toISOString(),
    owner: input.owner as Task['owner'],
    ...(input.requester ? { requester: input.requester as Task['requester'] } : {}),
    ...(input.reason ? { reasonReference: input.reason } : {}),
    ...(input.due ? { restriction: { period: { end: input.due } } } : {}),
    input: [{ type: { text: 'occurred' }, valueDateTime: input.occurred }],
  };
}

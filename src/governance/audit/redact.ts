// What a citizen sees of an event about their record: who, when, why and how it ended, but not
// the other people the same search returned, the resources read, or the raw query (which may
// name someone else).
import type { AuditEvent } from '@medplum/fhirtypes';

const QUERY_ROLE = '24';
const DATA_ROLE = '4';
const PATIENT_ROLE = '1';

/** `event` keeping only the patient entities in `patients`, without query and data entities. */
export function redactForPatients(event: AuditEvent, patients: readonly string[]): AuditEvent {
  const own = new Set(patients);
  const entity = (event.entity ?? []).filter((e) => {
    const role = e.role?.code;
    if (role === QUERY_ROLE || role === DATA_ROLE) return false;
    if (role === PATIENT_ROLE) return !!e.what?.reference && own.has(e.what.reference);
    return true;
  });
  return { ...event, entity };
}

// Appends one AuditEvent to the hash-chained trail, inside the caller's transaction, in one
// call: the access and its audit commit together or not at all, and a trail that cannot
// be written refuses the request (fail closed) rather than showing data unaudited.
import type { AuditEvent } from '@medplum/fhirtypes';
import { FhirError } from '../../fhir/errors.ts';
import type { Queryable } from '../../store/driver.ts';
import type { AccessRecord } from './access-record.ts';
import { balpAuditEvent } from './balp.ts';

/** The event text is `EVENT_PREFIX || seq || suffix`: the id is the seq, known only inside the statement. */
const EVENT_PREFIX = '{"resourceType":"AuditEvent","id":"';

// audit_append (migration 005) advances the one-row head under its row lock, held to commit, so
// appends are serialised and seq is gap-free; PostgreSQL hashes exactly the text it stores.
const APPEND_SQL = 'SELECT audit_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) AS seq';

export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

function unavailable(cause?: unknown): FhirError {
  const err = new FhirError('busy', AUDIT_UNAVAILABLE, 'The audit trail cannot be written, so the request was refused');
  if (cause !== undefined) err.cause = cause;
  return err;
}

/**
 * Appends the BALP AuditEvent for `record` using `q` (the request's transaction) and returns it
 * with its id (the chain seq). Call it last in the transaction: the chain head stays locked from
 * this statement until commit. Throws AUDIT_UNAVAILABLE (503) if the event cannot be written.
 */
export async function appendAudit(q: Queryable, record: AccessRecord): Promise<AuditEvent> {
  const { resourceType: _type, ...rest } = balpAuditEvent(record);
  const suffix = `",${JSON.stringify(rest).slice(1)}`;
  const { principal } = record;
  let seq: string | undefined;
  try {
    const { rows } = await q.query<{ seq: string | null }>(APPEND_SQL, [
      EVENT_PREFIX, suffix, rest.recorded,
      record.action, record.interaction, record.operation ?? null, rest.outcome,
      principal.subject, principal.kind ?? 'system', principal.name ?? null, principal.clientId ?? null,
      principal.role ?? null, principal.organization ?? null,
      record.purposeOfUse, record.basis ?? null, record.reason ?? null, [...new Set(record.patients)],
    ]);
    seq = rows[0]?.seq ?? undefined;
  } catch (err) {
    throw unavailable(err);
  }
  // No row means the chain head is gone: nothing was written, so nothing may be shown.
  if (seq === undefined) throw unavailable();
  return { resourceType: 'AuditEvent', id: String(seq), ...rest };
}

// The acknowledged-message log (table hl7_message): each sender's control ids with the ACK we gave,
// so a message sent again is answered with the original ACK and changes nothing.
import type { Queryable } from '../../store/driver.ts';
import type { SqlPart } from '../../store/write-resources.ts';
import { lockKeysSql, markHeld, resourceLockKeys } from '../../store/advisory-locks.ts';
import type { Hl7Envelope } from './adt-header.ts';
import type { AckCode } from './hl7-errors.ts';

export interface LoggedAck {
  code: AckCode;
  ack: string;
}

/** The ACK already given for this sender and control id, if any. */
export async function previousAck(q: Queryable, envelope: Hl7Envelope): Promise<LoggedAck | undefined> {
  const { rows } = await q.query<{ ack_code: AckCode; ack: string }>(
    'SELECT ack_code, ack FROM hl7_message WHERE sender = $1 AND control_id = $2', [envelope.sender, envelope.controlId]);
  return rows[0] ? { code: rows[0].ack_code, ack: rows[0].ack } : undefined;
}

/**
 * Takes the transaction's advisory locks on the resources a message will write (`Type/id`, sorted
 * in one statement as putMany takes them, so writers of one patient or visit queue and never
 * deadlock on each other) and, in the same round trip, looks the message up in the log. The locks
 * are remembered for the transaction, so writing those resources does not ask for them again.
 */
export async function lockAndFindPrevious(sql: Queryable, resourceKeys: readonly string[], envelope: Hl7Envelope): Promise<LoggedAck | undefined> {
  const locks = resourceLockKeys(resourceKeys);
  const { rows } = await sql.query<{ ack_code: AckCode | null; ack: string | null }>(
    `SELECT (${lockKeysSql('$1')}) AS locked, m.ack_code, m.ack
     FROM (SELECT 1) AS one LEFT JOIN hl7_message m ON m.sender = $2 AND m.control_id = $3`,
    [locks, envelope.sender, envelope.controlId],
  );
  markHeld(sql, locks);
  const row = rows[0];
  return row?.ack_code && row.ack ? { code: row.ack_code, ack: row.ack } : undefined;
}

/** The ACK log row as a part of the message's write statement; `replace` (a replay that now succeeds) overwrites an earlier AE/AR. */
export function ackPart(envelope: Hl7Envelope, at: string | undefined, given: LoggedAck, replace: boolean): SqlPart {
  return (param) => `INSERT INTO hl7_message (sender, control_id, message_type, event_time, ack_code, ack)
     VALUES (${param(envelope.sender)}::text, ${param(envelope.controlId)}::text, ${param(envelope.messageType)}::text, ${param(at ?? null)}::timestamptz,
       ${param(given.code)}::text, ${param(given.ack)}::text)
     ON CONFLICT (sender, control_id) DO ${replace ? 'UPDATE SET ack_code = excluded.ack_code, ack = excluded.ack, received_at = now()' : 'NOTHING'}`;
}

/** Logs the ACK given, on its own (messages that wrote nothing). */
export async function rememberAck(sql: Queryable, envelope: Hl7Envelope, at: string | undefined, given: LoggedAck, replace: boolean): Promise<void> {
  const values: unknown[] = [];
  const text = ackPart(envelope, at, given, replace)((v) => `$${values.push(v)}`);
  await sql.query(text, values);
}

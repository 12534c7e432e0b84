// The acknowledged-message log (table hl7_message): each sender's control ids with the ACK we gave,
// so a message sent again is answered with the original ACK and changes nothing.
import type { Queryable } from '../../store/driver.ts';
import type { SqlPart } from '../../store/write-resources.ts';
import type { ReadPart } from '../../store/read-together.ts';
import { SqlParams } from '../../store/search/search-sql.ts';
import type { Hl7Envelope } from './adt-header.ts';
import type { AckCode } from './hl7-errors.ts';

export interface LoggedAck {
  code: AckCode;
  ack: string;
}

function loggedAckSql(envelope: Hl7Envelope, param: (value: unknown) => string): string {
  return `SELECT ack_code, ack FROM hl7_message WHERE sender = ${param(envelope.sender)}::text AND control_id = ${param(envelope.controlId)}::text`;
}

const toLogged = (row: { ack_code: AckCode; ack: string } | undefined): LoggedAck | undefined =>
  row ? { code: row.ack_code, ack: row.ack } : undefined;

/** The ACK already given for this sender and control id, if any. */
export async function previousAck(q: Queryable, envelope: Hl7Envelope): Promise<LoggedAck | undefined> {
  const params = new SqlParams();
  const { rows } = await q.query<{ ack_code: AckCode; ack: string }>(loggedAckSql(envelope, (v) => params.add(v)), params.values);
  return toLogged(rows[0]);
}

/** The same look-up as a part of readTogether: a message's first read, after the locks it began with. */
export function loggedAckPart(envelope: Hl7Envelope): ReadPart {
  return { name: 'logged ack', columns: [['ack_code', 'text'], ['ack', 'text']], sql: (param) => loggedAckSql(envelope, param) };
}

/** The ACK loggedAckPart found, if any. */
export function loggedAckOf(rows: ReadonlyArray<Record<string, unknown>>): LoggedAck | undefined {
  return toLogged(rows[0] as { ack_code: AckCode; ack: string } | undefined);
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

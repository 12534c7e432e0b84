// The acknowledgement we send back (original mode): MSA-1 AA once the message's data is committed,
// AE for content errors, AR for messages refused as a whole, with MSA-3 and an ERR segment saying
// why and where — never the message's personal data.
// See: https://hl7-definition.caristix.com/v2/HL7v2.5.1/Segments/ERR
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import type { FhirError } from '../../fhir/errors.ts';
import type { Hl7Envelope } from './adt-header.ts';
import { conditionFor, type AckCode } from './hl7-errors.ts';
import { escapeHl7, toHl7DateTime } from './hl7-fields.ts';

/** Our name in MSH-3/MSH-4 of acknowledgements when the sender did not address us by one. */
export const RECEIVER_NAME = 'SHAREDCARE';
const ACK_TEXT: Record<AckCode, string> = { AA: 'Message accepted', AE: 'Application error', AR: 'Application reject' };

let sequence = 0;

/** A control id unique within this process and at most 20 characters (HL7 ST length of MSH-10). */
function ackControlId(): string {
  sequence = (sequence + 1) % 1_679_616;
  return `SC${Date.now().toString(36)}${sequence.toString(36).padStart(4, '0')}`.toUpperCase();
}

/** `PID-3[2]` → segment, field and repetition for ERR-2. */
function errorLocation(location: string | undefined): { segment: string; field: string; repetition: string } | undefined {
  const m = location ? /^([A-Z][A-Z0-9]{2})(?:-(\d+)(?:\[(\d+)\])?)?$/.exec(location) : null;
  return m ? { segment: m[1]!, field: m[2] ?? '', repetition: m[3] ?? '' } : undefined;
}

function errSegment(err: FhirError, ctx: Hl7Context): Hl7Segment {
  const condition = conditionFor(err);
  const where = errorLocation(err.issues[0]?.expression?.[0]);
  const sub = ctx.subcomponentSeparator;
  const comp = ctx.componentSeparator;
  const text = escapeHl7(err.message, ctx);
  // ERR-1 (v2.3/2.4 readers) and ERR-2…ERR-8 (v2.5+) say the same thing.
  const eld = where ? [where.segment, '1', where.field, `${condition.code}${sub}${condition.text}${sub}HL70357`].join(comp) : '';
  const erl = where ? [where.segment, '1', where.field, where.repetition].join(comp).replace(new RegExp(`\\${comp}+$`), '') : '';
  return new Hl7Segment(['ERR', eld, erl, [condition.code, condition.text, 'HL70357'].join(comp), 'E', err.code, '', '', text], ctx);
}

/**
 * The acknowledgement text for a message (or for unparseable input, when `message` is undefined):
 * addressed back to the sender, with the original control id in MSA-2.
 */
export function buildAck(message: Hl7Message | undefined, envelope: Hl7Envelope | undefined, code: AckCode, error?: FhirError): string {
  const ctx = message?.context ?? new Hl7Context();
  const msh = message?.getSegment('MSH');
  const field = (n: number): string => msh?.getField(n)?.toString() ?? '';
  const trigger = envelope?.trigger ?? '';
  const header = new Hl7Segment([
    'MSH', ctx.getMsh2(),
    envelope?.receivingApplication || RECEIVER_NAME, envelope?.receivingFacility || RECEIVER_NAME,
    field(3), field(4), toHl7DateTime(new Date().toISOString()), '',
    trigger ? ['ACK', trigger, 'ACK'].join(ctx.componentSeparator) : 'ACK',
    ackControlId(), envelope?.processingId || 'P', envelope?.version || '2.5.1',
  ], ctx);
  const text = error ? escapeHl7(error.message, ctx) : ACK_TEXT[code];
  const segments = [header, new Hl7Segment(['MSA', code, escapeHl7(envelope?.controlId ?? '', ctx), text], ctx)];
  if (error) segments.push(errSegment(error, ctx));
  return new Hl7Message(segments, ctx).toString();
}

/** MSA-1 and MSA-3 of an acknowledgement we built. */
export function readAck(ack: string): { code: AckCode; text: string } {
  const msa = Hl7Message.parse(ack).getSegment('MSA');
  return { code: (msa?.getField(1)?.toString() ?? 'AR') as AckCode, text: msa?.getField(3)?.toString() ?? '' };
}

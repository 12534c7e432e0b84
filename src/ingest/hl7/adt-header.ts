// The message header of an ADT message: who sent it (and so which source system's records it
// updates), its control id, trigger event, processing id and version, and the event time that
// orders it among other messages. Messages we do not take are refused here, before any mapping.
// See: https://hl7-definition.caristix.com/v2/HL7v2.5.1/Segments/MSH
import type { Hl7Message } from '@medplum/core';
import { isSourceId } from '../provenance.ts';
import { isAdtEvent, type AdtEvent } from './adt-codes.ts';
import { hl7Invalid, hl7Unsupported } from './hl7-errors.ts';
import { hl7DateTime, present, value } from './hl7-fields.ts';

/** What can be read from any message that starts with MSH, valid or not: enough to acknowledge and quarantine it. */
export interface Hl7Envelope {
  /** MSH-3 and MSH-4 (first components): with the control id, the key of the acknowledged-message log. */
  sender: string;
  application: string;
  facility: string;
  receivingApplication: string;
  receivingFacility: string;
  controlId: string;
  /** MSH-9 as "ADT^A01" (the quarantine kind). */
  messageType: string;
  trigger: string;
  processingId: string;
  version: string;
}

export interface AdtHeader extends Hl7Envelope {
  event: AdtEvent;
  /** The source system whose records this message updates, e.g. "epr-rk5". */
  source: string;
  /** EVN-2 (recorded), else MSH-7: the time messages are ordered by, whatever order they arrive in. */
  at: string;
  /** EVN-6: when the event happened, if the sender says. */
  occurred?: string;
}

export interface HeaderOptions {
  /** Source system id to use instead of the one derived from MSH-4/MSH-3. */
  source?: string;
  /** MSH-11 processing ids accepted (default production only: P). */
  processingIds?: readonly string[];
  /** Zone of times sent without an offset (default Europe/London). */
  timeZone?: string;
}

export function readEnvelope(message: Hl7Message): Hl7Envelope {
  const msh = message.getSegment('MSH');
  const application = value(msh, 3);
  const facility = value(msh, 4);
  const trigger = value(msh, 9, 2) || value(message.getSegment('EVN'), 1);
  return {
    sender: `${application}^${facility}`,
    application,
    facility,
    receivingApplication: value(msh, 5),
    receivingFacility: value(msh, 6),
    controlId: value(msh, 10),
    messageType: `${value(msh, 9) || '?'}^${trigger || '?'}`,
    trigger,
    processingId: value(msh, 11),
    version: value(msh, 12),
  };
}

/** Lower-case slug of a sender's code, for a source id. */
function slug(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56);
}

/**
 * The source system a sender is: the override when configured, else `epr-<MSH-4>` (the sending
 * facility's ODS code, as NHS trusts send it), else `hl7-<MSH-3>`; undefined when neither is usable.
 */
export function sourceOf(envelope: Pick<Hl7Envelope, 'application' | 'facility'>, override?: string): string | undefined {
  if (override) return override;
  const candidate = envelope.facility ? `epr-${slug(envelope.facility)}` : envelope.application ? `hl7-${slug(envelope.application)}` : '';
  return isSourceId(candidate) && !candidate.endsWith('-') ? candidate : undefined;
}

/** Checks the header; refuses (AR) what we do not take, and (AE) a missing or malformed event time. */
export function readAdtHeader(message: Hl7Message, options: HeaderOptions = {}): AdtHeader {
  const envelope = readEnvelope(message);
  const msh = message.getSegment('MSH');
  if (!envelope.controlId) throw hl7Unsupported('INGEST_HL7_CONTROL_ID', 'MSH-10 (message control id) is required', 'MSH-10');
  if (value(msh, 9) !== 'ADT') throw hl7Unsupported('INGEST_HL7_MESSAGE_TYPE', 'Only ADT messages are accepted', 'MSH-9');
  if (!isAdtEvent(envelope.trigger)) {
    throw hl7Unsupported('INGEST_HL7_EVENT', `ADT trigger event '${envelope.trigger.slice(0, 8)}' is not supported`, 'MSH-9');
  }
  const accepted = options.processingIds ?? ['P'];
  if (!accepted.includes(envelope.processingId)) {
    throw hl7Unsupported('INGEST_HL7_PROCESSING_ID', `Processing id '${envelope.processingId.slice(0, 3)}' is not accepted here (${accepted.join(', ')})`, 'MSH-11');
  }
  if (!/^2\.[1-9]/.test(envelope.version)) throw hl7Unsupported('INGEST_HL7_VERSION', 'Only HL7 version 2.x messages are accepted', 'MSH-12');
  const source = sourceOf(envelope, options.source);
  if (!source) throw hl7Unsupported('INGEST_HL7_SENDER', 'MSH-4 (sending facility) or MSH-3 (sending application) must name the sender', 'MSH-4');
  const evn = message.getSegment('EVN');
  const at = hl7DateTime(value(evn, 2), 'EVN-2', options.timeZone) ?? hl7DateTime(value(msh, 7), 'MSH-7', options.timeZone);
  if (!at || !/T/.test(at)) throw hl7Invalid('INGEST_HL7_REQUIRED', 'EVN-2 or MSH-7 must give the event time to the minute', 'EVN-2');
  const occurred = hl7DateTime(value(evn, 6), 'EVN-6', options.timeZone);
  return { ...envelope, event: envelope.trigger as AdtEvent, source, at, ...(occurred && present(occurred) ? { occurred } : {}) };
}

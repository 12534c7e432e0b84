// Takes one HL7 v2 message and returns its acknowledgement. AA only after the message's data and
// its entry in the acknowledged-message log have committed together; AE/AR messages are kept in the
// quarantine with their reasons; a message already acknowledged (same sender and MSH-10) changes
// nothing and gets its original acknowledgement again. One transaction per message.
import { Hl7Message } from '@medplum/core';
import { FhirError } from '../../fhir/errors.ts';
import { resourceLockKeys } from '../../store/advisory-locks.ts';
import type { ImportReport, RecordOutcome } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import { Quarantine, type QuarantineReason } from '../quarantine.ts';
import type { AppliedOutcome } from '../source-writer.ts';
import { applyAdt, openMessage, resourceKeysOf } from './adt-apply.ts';
import { readAdtHeader, readEnvelope, sourceOf, type HeaderOptions, type Hl7Envelope } from './adt-header.ts';
import { mapAdt, type MappedAdt } from './adt-message.ts';
import { buildAck } from './hl7-ack.ts';
import { ackCodeFor, hl7Invalid, hl7Unsupported, type AckCode } from './hl7-errors.ts';
import { normaliseMessage } from './hl7-text.ts';
import { ackPart, previousAck, rememberAck, type LoggedAck } from './message-log.ts';
import { RunBook } from './run-book.ts';

export interface Hl7IngestorOptions extends HeaderOptions {
  /** Where messages come from, recorded on the ingest runs (e.g. "mllp 0.0.0.0:2575", a file path). */
  origin?: string;
  /** Re-processing a quarantined message: it is applied even if already acknowledged, and not quarantined again. */
  replay?: boolean;
  /** Told about failures by sender and control id only, never the message content. */
  log?: (line: string) => void;
}

export interface Hl7Result {
  ack: string;
  code: AckCode;
  /**
   * What the message did: its records' outcome, 'unchanged' for a repeat, 'quarantined' for AE/AR,
   * 'retry' when the store was unavailable and nothing was recorded (the sender should send it again).
   */
  outcome: RecordOutcome | 'retry';
  /** The sender had sent this control id before; `ack` is the original acknowledgement. */
  duplicate: boolean;
  reasons?: QuarantineReason[];
}

/** Quarantine source for input whose sender cannot be told (unparseable, no MSH-3/MSH-4). */
export const UNKNOWN_SOURCE = 'unknown';
const RETRIES = 4;

function messageOutcome(outcomes: readonly AppliedOutcome[]): RecordOutcome {
  return outcomes.includes('created') ? 'created' : outcomes.includes('updated') ? 'updated' : 'unchanged';
}

/** Lock waits the database broke (deadlock, serialisation): the whole message is simply tried again. */
function isContention(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return (err instanceof FhirError && err.category === 'busy') || code === '40001' || code === '40P01';
}

/** The database is unreachable or overloaded: the sender should send again later. */
function isTransient(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  return isContention(err) || /^(08|53|57)/.test(code) || /^E(CONN|TIMEDOUT|PIPE|HOSTUNREACH)/.test(code);
}

function reasonsOf(err: FhirError): QuarantineReason[] {
  return err.issues.map((i) => ({ code: i.id ?? err.code, message: i.message, ...(i.expression?.[0] ? { location: i.expression[0] } : {}) }));
}

export class Hl7Ingestor {
  private readonly ctx: IngestContext;
  private readonly options: Hl7IngestorOptions;
  private readonly runs: RunBook;

  constructor(ctx: IngestContext, options: Hl7IngestorOptions = {}) {
    this.ctx = ctx;
    this.options = options;
    this.runs = new RunBook(ctx, options.origin ?? 'hl7');
  }

  /** Counts so far, across the sources seen. */
  get report(): ImportReport {
    return this.runs.report;
  }

  /** Writes the counts of this session's ingest runs; returns the total. */
  finish(): Promise<ImportReport> {
    return this.runs.finish();
  }

  /** Processes one message (segments separated by CR, LF or CRLF; MLLP framing tolerated); `where` adds e.g. a file and line to the quarantine origin. */
  async handle(text: string, where?: string): Promise<Hl7Result> {
    const raw = normaliseMessage(text);
    let message: Hl7Message;
    try {
      message = Hl7Message.parse(raw);
    } catch {
      return this.refuse(undefined, undefined, raw, hl7Unsupported('INGEST_HL7_PARSE', 'The input is not an HL7 v2 message (it must start with an MSH segment)', 'MSH'), where);
    }
    const envelope = readEnvelope(message);
    let mapped: MappedAdt;
    try {
      const header = readAdtHeader(message, this.options);
      mapped = mapAdt(message, header, this.options.timeZone);
    } catch (err) {
      return this.refuse(message, envelope, raw, this.asRefusal(err, envelope), where);
    }
    return this.apply(message, envelope, raw, mapped, where);
  }

  private async apply(message: Hl7Message, envelope: Hl7Envelope, raw: string, mapped: MappedAdt, where?: string): Promise<Hl7Result> {
    const { source, at } = mapped.header;
    const given: LoggedAck = { code: 'AA', ack: buildAck(message, envelope, 'AA') };
    for (let attempt = 1; ; attempt++) {
      try {
        const runId = await this.runs.runFor(source);
        // The message's patient and visit are locked as the transaction begins, so writers of one
        // patient or visit queue and never deadlock (the keys are sorted, as putMany takes them).
        const done = await this.ctx.repo.transaction(async (repo, sql) => {
          const { previous, stored } = await openMessage(sql, mapped, envelope);
          if (previous && !this.options.replay) return previous;
          return applyAdt(repo, sql, mapped, runId, [ackPart(envelope, at, given, this.options.replay === true)], stored);
        }, { planOnce: true, locks: resourceLockKeys(resourceKeysOf(mapped)) });
        if (!Array.isArray(done)) return this.repeated(envelope, done);
        const outcome = messageOutcome(done);
        this.runs.record(source, outcome);
        return { ...given, outcome, duplicate: false };
      } catch (err) {
        if (isContention(err) && attempt < RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, 10 * attempt * Math.random()));
          continue;
        }
        if (isTransient(err)) return this.unavailable(message, envelope, err);
        return this.refuse(message, envelope, raw, this.asRefusal(err, envelope), where, at);
      }
    }
  }

  /** FhirErrors as they are; anything else is a defect met while mapping or storing this message (AE, kept for replay). */
  private asRefusal(err: unknown, envelope: Hl7Envelope): FhirError {
    if (err instanceof FhirError) return err;
    this.options.log?.(`hl7: ${envelope.sender}/${envelope.controlId} could not be applied (${(err as Error).name ?? 'Error'})`);
    return hl7Invalid('INGEST_HL7_MAPPING', 'The message could not be applied because of an internal error; it is kept for replay');
  }

  /** AR without recording anything, so the sender's retry is processed afresh. */
  private unavailable(message: Hl7Message, envelope: Hl7Envelope, err: unknown): Hl7Result {
    this.options.log?.(`hl7: ${envelope.sender}/${envelope.controlId} refused for now: database unavailable (${String((err as { code?: unknown }).code ?? 'error')})`);
    const refusal = new FhirError('busy', 'INGEST_HL7_INTERNAL', 'The record store is unavailable; send the message again later');
    return { ack: buildAck(message, envelope, 'AR', refusal), code: 'AR', outcome: 'retry', duplicate: false, reasons: reasonsOf(refusal) };
  }

  private async refuse(message: Hl7Message | undefined, envelope: Hl7Envelope | undefined, raw: string, err: FhirError,
    where?: string, at?: string): Promise<Hl7Result> {
    if (envelope?.controlId && !this.options.replay) {
      const previous = await previousAck(this.ctx.db, envelope);
      if (previous) return this.repeated(envelope, previous);
    }
    const code = ackCodeFor(err);
    const given: LoggedAck = { code, ack: buildAck(message, envelope, code, err) };
    const reasons = reasonsOf(err);
    const source = this.sourceFor(envelope);
    const id = envelope ? `${envelope.sender}/${envelope.controlId}` : 'unparseable';
    const origin = where ? `${where} ${id}` : id;
    if (!this.options.replay) {
      const runId = await this.runs.runFor(source);
      await this.ctx.repo.transaction(async (_repo, sql) => {
        await new Quarantine(sql).add([{ source, channel: 'hl7', kind: envelope?.messageType ?? 'unknown', origin, raw, reasons, runId }]);
        if (envelope?.controlId) await rememberAck(sql, envelope, at, given, false);
      });
    }
    this.runs.record(source, 'quarantined');
    return { ...given, outcome: 'quarantined', duplicate: false, reasons };
  }

  private sourceFor(envelope: Hl7Envelope | undefined): string {
    return (envelope && sourceOf(envelope, this.options.source)) ?? this.options.source ?? UNKNOWN_SOURCE;
  }

  /** A control id the sender used before: the original ACK, nothing applied. */
  private repeated(envelope: Hl7Envelope, previous: LoggedAck): Hl7Result {
    const outcome: RecordOutcome = previous.code === 'AA' ? 'unchanged' : 'quarantined';
    this.runs.record(this.sourceFor(envelope), outcome);
    return { ...previous, outcome, duplicate: true };
  }
}

// `import hl7 FILE`: reads a file of ADT messages line by line (never whole into memory) and puts
// each through the same ingestor the MLLP listener uses, in file order, so a file import and a live
// feed give the same record. Every message read is counted: applied, unchanged or quarantined.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { FhirError } from '../../fhir/errors.ts';
import type { ImportReport } from '../import-report.ts';
import type { IngestContext } from '../ingest-context.ts';
import type { HeaderOptions } from './adt-header.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';
import { MessageAssembler, type TextMessage } from './hl7-text.ts';

export interface ImportHl7Options extends HeaderOptions {
  /** Character set of the file (default utf-8; latin1 for many PAS extracts). */
  encoding?: BufferEncoding;
  /** Called after each message with the number done so far (progress bars). */
  onProgress?: (messages: number) => void;
}

/**
 * Imports one file of HL7 v2 messages (segments separated by CR, LF or CRLF; messages by blank
 * lines, MLLP framing or the next MSH). Throws a `busy` FhirError, after recording what was done,
 * if the store becomes unavailable part-way: messages after that point were not read.
 */
export async function importHl7File(ctx: IngestContext, path: string, options: ImportHl7Options = {}): Promise<ImportReport> {
  const ingestor = new Hl7Ingestor(ctx, { ...options, origin: path });
  const assembler = new MessageAssembler();
  let done = 0;
  const handle = async (message: TextMessage) => {
    const result = await ingestor.handle(message.text, `${path}:${message.line}`);
    if (result.outcome === 'retry') {
      throw new FhirError('busy', 'INGEST_HL7_UNAVAILABLE', `The record store became unavailable at line ${message.line}; import the file again to continue`);
    }
    options.onProgress?.(++done);
  };
  try {
    const lines = createInterface({ input: createReadStream(path, { encoding: options.encoding ?? 'utf8' }), crlfDelay: Infinity });
    let lineNo = 0;
    for await (const line of lines) {
      for (const message of assembler.push(line, ++lineNo)) await handle(message);
    }
    for (const message of assembler.end()) await handle(message);
  } finally {
    await ingestor.finish();
  }
  return ingestor.report;
}

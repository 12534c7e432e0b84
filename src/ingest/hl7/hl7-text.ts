// HL7 v2 text as it arrives in files and frames: segments separated by CR, LF or CRLF; messages
// separated by blank lines, MLLP framing (VT … FS CR) or simply the next MSH segment.
// See: https://www.hl7.org/documentcenter/public/wg/inm/mllp_transport_specification.PDF

const VT = '\u000b';
const FS = '\u001c';

/** One message's text with CR segment separators, framing characters and blank lines removed. */
export function normaliseMessage(text: string): string {
  return text.replaceAll(VT, '').replaceAll(FS, '').split(/\r\n|\r|\n/).map((s) => s.trim()).filter((s) => s !== '').join('\r');
}

export interface TextMessage {
  text: string;
  /** Line (segment) number where the message starts, 1-based. */
  line: number;
}

/** Collects lines into messages; fed line by line so a file is never held whole in memory. */
export class MessageAssembler {
  private lines: string[] = [];
  private start = 0;

  /** Feeds one line (without its terminator); returns the messages it completes (at most two). */
  push(rawLine: string, lineNo: number): TextMessage[] {
    const done: TextMessage[] = [];
    const frameEnds = rawLine.includes(FS);
    const line = rawLine.replaceAll(VT, '').split(FS)[0]!.trim();
    if (line === '' || line.startsWith('MSH')) this.flush(done);
    if (line !== '') {
      if (this.lines.length === 0) this.start = lineNo;
      this.lines.push(line);
    }
    if (frameEnds) this.flush(done);
    return done;
  }

  /** The last message, when the input ends without a separator. */
  end(): TextMessage[] {
    const done: TextMessage[] = [];
    this.flush(done);
    return done;
  }

  private flush(into: TextMessage[]): void {
    if (this.lines.length > 0) into.push({ text: this.lines.join('\r'), line: this.start });
    this.lines = [];
  }
}

/** Splits text holding any number of messages. */
export function splitMessages(text: string): TextMessage[] {
  const assembler = new MessageAssembler();
  const out: TextMessage[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, i) => out.push(...assembler.push(line, i + 1)));
  out.push(...assembler.end());
  return out;
}

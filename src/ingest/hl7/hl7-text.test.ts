// Messages are found however a file or frame lays them out.
import { describe, expect, it } from 'vitest';
import { MessageAssembler, normaliseMessage, splitMessages } from './hl7-text.ts';

const A = 'MSH|^~\\&|PAS|RK5|||20240101||ADT^A01|1|P|2.4\rPID|1||X';
const B = 'MSH|^~\\&|PAS|RK5|||20240102||ADT^A03|2|P|2.4\rPID|1||Y';

describe('splitMessages', () => {
  it('splits on the next MSH, blank lines and MLLP framing, with CR, LF or CRLF segment separators', () => {
    const layouts = [
      `${A}\r${B}\r`,
      `${A.replace('\r', '\n')}\n${B.replace('\r', '\n')}\n`,
      `${A.replace('\r', '\r\n')}\r\n\r\n${B.replace('\r', '\r\n')}`,
      `\u000b${A}\r\u001c\r\u000b${B}\r\u001c\r`,
      `\n\n  ${A.replace('\r', '\n  ')}\n\n\n${B}`,
    ];
    for (const layout of layouts) expect(splitMessages(layout).map((m) => m.text), JSON.stringify(layout)).toEqual([A, B]);
  });

  it('gives the line each message starts on', () => {
    expect(splitMessages(`\n${A.replace('\r', '\n')}\n\n${B.replace('\r', '\n')}`).map((m) => m.line)).toEqual([2, 5]);
  });

  it('keeps text before the first MSH as a message of its own, so it is refused rather than lost', () => {
    expect(splitMessages(`garbage\n${A}`).map((m) => m.text)).toEqual(['garbage', A]);
  });

  it('is fed line by line without holding the file', () => {
    const assembler = new MessageAssembler();
    expect(assembler.push('MSH|1', 1)).toEqual([]);
    expect(assembler.push('PID|1', 2)).toEqual([]);
    expect(assembler.push('\u000bMSH|2\u001c', 3)).toEqual([{ text: 'MSH|1\rPID|1', line: 1 }, { text: 'MSH|2', line: 3 }]);
    expect(assembler.end()).toEqual([]);
  });
});

describe('normaliseMessage', () => {
  it('leaves one message with CR separators, no framing and no blank segments', () => {
    expect(normaliseMessage(`\u000b${A.replace('\r', '\r\n\r\n')}\r\n\u001c\r`)).toBe(A);
  });
});

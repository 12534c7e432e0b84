// Acknowledgements: addressed back to the sender, MSA-2 the original control id, ERR saying why and
// where (for v2.3 and v2.5 readers), and nothing of the message's content.
import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { readEnvelope } from './adt-header.ts';
import { buildAck, readAck } from './hl7-ack.ts';
import { hl7Invalid, hl7Unsupported } from './hl7-errors.ts';

const original = Hl7Message.parse('MSH|^~\\&|PAS|RK5|SC|NOTTS|20240315150000||ADT^A01^ADT_A01|C123|P|2.4\rPID|1||R1');

describe('buildAck', () => {
  it('answers AA to the sender with the original control id', () => {
    const ack = Hl7Message.parse(buildAck(original, readEnvelope(original), 'AA'));
    const msh = ack.getSegment('MSH')!;
    expect([3, 4, 5, 6, 9, 11, 12].map((n) => msh.getField(n).toString())).toEqual(['SC', 'NOTTS', 'PAS', 'RK5', 'ACK^A01^ACK', 'P', '2.4']);
    expect(msh.getField(10).toString()).toMatch(/^SC[0-9A-Z]{1,18}$/);
    expect(ack.getSegment('MSA')!.toString()).toBe('MSA|AA|C123|Message accepted');
    expect(ack.getSegment('ERR')).toBeUndefined();
  });

  it('gives each ACK its own control id', () => {
    const ids = new Set(Array.from({ length: 50 }, () => Hl7Message.parse(buildAck(original, readEnvelope(original), 'AA')).getSegment('MSH')!.getField(10).toString()));
    expect(ids.size).toBe(50);
  });

  it('says why and where in MSA-3 and ERR, escaping separators', () => {
    const error = hl7Invalid('INGEST_HL7_NHS_NUMBER', 'PID-3[2] is not valid | check ^ it', 'PID-3[2]');
    const ack = Hl7Message.parse(buildAck(original, readEnvelope(original), 'AE', error));
    expect(ack.getSegment('MSA')!.getField(3).toString()).toBe('PID-3[2] is not valid \\F\\ check \\S\\ it');
    const err = ack.getSegment('ERR')!;
    expect(err.getField(1).toString()).toBe('PID^1^3^102&Data type error&HL70357');
    expect(err.getField(2).toString()).toBe('PID^1^3^2');
    expect(err.getField(3).toString()).toBe('102^Data type error^HL70357');
    expect(err.getField(4).toString()).toBe('E');
    expect(err.getField(5).toString()).toBe('INGEST_HL7_NHS_NUMBER');
    expect(readAck(ack.toString())).toEqual({ code: 'AE', text: 'PID-3[2] is not valid \\F\\ check \\S\\ it' });
  });

  it('answers input that is not HL7 with an AR of its own making', () => {
    const ack = Hl7Message.parse(buildAck(undefined, undefined, 'AR', hl7Unsupported('INGEST_HL7_PARSE', 'Not HL7', 'MSH')));
    expect(ack.getSegment('MSA')!.toString()).toBe('MSA|AR||Not HL7');
    expect(ack.getSegment('MSH')!.getField(9).toString()).toBe('ACK');
    expect(ack.getSegment('ERR')!.getField(3).toString()).toBe('100^Segment sequence error^HL70357');
  });
});

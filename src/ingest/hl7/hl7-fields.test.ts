// HL7 dates keep their precision and zone; escapes round-trip; components are read by HL7 position.
import { Hl7Context, Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { escapeHl7, hl7Date, hl7DateTime, instantOf, repetitionCount, toHl7DateTime, unescapeHl7, value } from './hl7-fields.ts';

const ctx = new Hl7Context();

describe('hl7DateTime', () => {
  it('keeps the precision it was given', () => {
    expect(hl7DateTime('2024', 'X')).toBe('2024');
    expect(hl7DateTime('202403', 'X')).toBe('2024-03');
    expect(hl7DateTime('20240315', 'X')).toBe('2024-03-15');
    expect(hl7DateTime('2024031514', 'X')).toBe('2024-03-15T14:00:00+00:00');
    expect(hl7DateTime('20240315143022.25', 'X')).toBe('2024-03-15T14:30:22.25+00:00');
  });

  it('reads a time without a zone as UK local time, including summer time', () => {
    expect(hl7DateTime('202401151200', 'X')).toBe('2024-01-15T12:00:00+00:00');
    expect(hl7DateTime('202407151200', 'X')).toBe('2024-07-15T12:00:00+01:00');
    // The clocks went forward at 01:00 UTC on 31 March 2024.
    expect(hl7DateTime('202403310030', 'X')).toBe('2024-03-31T00:30:00+00:00');
    expect(hl7DateTime('202403310300', 'X')).toBe('2024-03-31T03:00:00+01:00');
    expect(hl7DateTime('202407151200', 'X', 'America/New_York')).toBe('2024-07-15T12:00:00-04:00');
  });

  it('keeps an explicit offset', () => {
    expect(hl7DateTime('20240715120000-0500', 'X')).toBe('2024-07-15T12:00:00-05:00');
    expect(hl7DateTime('20240715120000+0000', 'X')).toBe('2024-07-15T12:00:00+00:00');
  });

  it('treats empty and HL7 null as absent', () => {
    expect(hl7DateTime('', 'X')).toBeUndefined();
    expect(hl7DateTime('""', 'X')).toBeUndefined();
  });

  it('refuses malformed or impossible dates, naming the field', () => {
    for (const bad of ['2024-03-15', '20241301', '20240230', '202402281260', 'notadate', '17000101', '20240315143060']) {
      expect(() => hl7DateTime(bad, 'PV1-44'), bad).toThrow(expect.objectContaining({ code: 'INGEST_HL7_DATE', issues: [expect.objectContaining({ expression: ['PV1-44'] })] }));
    }
  });

  it('takes the date part of a date/time for dates of birth', () => {
    expect(hl7Date('194708111230', 'PID-7')).toBe('1947-08-11');
    expect(hl7Date('1947', 'PID-7')).toBe('1947');
    expect(() => hl7Date('19471311', 'PID-7')).toThrow(expect.objectContaining({ code: 'INGEST_HL7_DATE' }));
  });

  it('orders dates of any precision by their start, and writes FHIR instants back as HL7', () => {
    expect(instantOf('2024')).toBe(Date.UTC(2024, 0, 1));
    expect(instantOf('2024-03-15')).toBe(Date.UTC(2024, 2, 15));
    expect(instantOf('2024-07-15T12:00:00+01:00')).toBe(Date.UTC(2024, 6, 15, 11));
    expect(toHl7DateTime('2024-07-15T12:00:00+01:00')).toBe('20240715110000+0000');
  });
});

describe('escapes', () => {
  it('undoes HL7 escape sequences and escapes text for a field', () => {
    expect(unescapeHl7('Flat 3\\T\\4 \\F\\ \\S\\ \\R\\ \\E\\\\.br\\x \\X4142\\', ctx)).toBe('Flat 3&4 | ^ ~ \\\nx AB');
    const text = 'a|b^c~d\\e&f';
    expect(unescapeHl7(escapeHl7(text, ctx), ctx)).toBe(text);
    expect(escapeHl7('two\r\nlines', ctx)).toBe('two lines');
  });
});

describe('value', () => {
  const message = Hl7Message.parse('MSH|^~\\&|PAS|RK5|||20240101||ADT^A01|1|P|2.4\rPID|1||A^^^RK5^MR~B^^^NHS^NH||SMITH&VAN^JO\rPV1|1|I');
  const pid = message.getSegment('PID');

  it('reads components and repetitions by HL7 position, MSH included', () => {
    expect(value(message.getSegment('MSH'), 3)).toBe('PAS');
    expect(value(message.getSegment('MSH'), 9, 2)).toBe('A01');
    expect(repetitionCount(pid, 3)).toBe(2);
    expect(value(pid, 3, 5, 1)).toBe('NH');
    expect(value(pid, 5, 1, 0, 1)).toBe('SMITH');
    expect(value(pid, 5, 1, 0, 2)).toBe('VAN');
  });

  it('answers empty for what is not there', () => {
    expect(value(pid, 40)).toBe('');
    expect(value(pid, 3, 1, 5)).toBe('');
    expect(value(undefined, 1)).toBe('');
    expect(repetitionCount(message.getSegment('PV1'), 19)).toBe(0);
  });
});

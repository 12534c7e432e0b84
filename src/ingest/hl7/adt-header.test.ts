// The header decides who sent a message, which source's records it updates, and whether we take it at all.
import { Hl7Message } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { readAdtHeader, readEnvelope, sourceOf } from './adt-header.ts';

const msh = (fields: string) => Hl7Message.parse(`MSH|^~\\&|${fields}\rEVN|A01|20240315143000`);

describe('readAdtHeader', () => {
  it('reads sender, control id, event and event time (EVN-2 before MSH-7)', () => {
    const header = readAdtHeader(msh('PAS|RK5|SC|NOTTS|20240315150000||ADT^A01^ADT_A01|C1|P|2.4'));
    expect(header).toMatchObject({ sender: 'PAS^RK5', controlId: 'C1', event: 'A01', messageType: 'ADT^A01', source: 'epr-rk5', at: '2024-03-15T14:30:00+00:00' });
    const noEvn = readAdtHeader(Hl7Message.parse('MSH|^~\\&|PAS|RK5|||20240315150000||ADT^A08|C2|P|2.3'));
    expect(noEvn.at).toBe('2024-03-15T15:00:00+00:00');
  });

  it('derives the source from MSH-4, else MSH-3, unless one is configured', () => {
    expect(sourceOf({ application: 'PAS', facility: 'RK5' })).toBe('epr-rk5');
    expect(sourceOf({ application: 'Lorenzo PAS', facility: '' })).toBe('hl7-lorenzo-pas');
    expect(sourceOf({ application: '', facility: '' })).toBeUndefined();
    expect(sourceOf({ application: 'PAS', facility: 'RK5' }, 'pas-override')).toBe('pas-override');
    expect(readAdtHeader(msh('PAS|RK5|||20240315||ADT^A01|C1|P|2.4'), { source: 'mine' }).source).toBe('mine');
  });

  it('refuses (unsupported → AR) what it does not take', () => {
    const cases: Array<[string, string]> = [
      ['PAS|RK5|||20240315||ADT^A01||P|2.4', 'INGEST_HL7_CONTROL_ID'],
      ['PAS|RK5|||20240315||ORU^R01|C|P|2.4', 'INGEST_HL7_MESSAGE_TYPE'],
      ['PAS|RK5|||20240315||ADT^A99|C|P|2.4', 'INGEST_HL7_EVENT'],
      ['PAS|RK5|||20240315||ADT^A01|C|T|2.4', 'INGEST_HL7_PROCESSING_ID'],
      ['PAS|RK5|||20240315||ADT^A01|C|P|3.0', 'INGEST_HL7_VERSION'],
      ['||||20240315||ADT^A01|C|P|2.4', 'INGEST_HL7_SENDER'],
    ];
    for (const [fields, code] of cases) expect(() => readAdtHeader(msh(fields)), code).toThrow(expect.objectContaining({ category: 'unsupported', code }));
  });

  it('accepts other processing ids when configured', () => {
    expect(readAdtHeader(msh('PAS|RK5|||20240315||ADT^A01|C|T|2.4'), { processingIds: ['P', 'T'] }).processingId).toBe('T');
  });

  it('refuses (invalid → AE) a message without a usable event time', () => {
    const message = Hl7Message.parse('MSH|^~\\&|PAS|RK5|||20240315||ADT^A01|C|P|2.4\rEVN|A01|');
    expect(() => readAdtHeader(message)).toThrow(expect.objectContaining({ category: 'invalid', code: 'INGEST_HL7_REQUIRED' }));
  });

  it('reads an envelope from any message that starts with MSH', () => {
    expect(readEnvelope(Hl7Message.parse('MSH|^~\\&'))).toMatchObject({ sender: '^', controlId: '', messageType: '?^?' });
  });
});

// The MLLP listener over real sockets, with @medplum/hl7's Hl7Client as the sending hospital system
// (and a raw socket where a client would refuse to send): ACK codes, quarantine, repeats, ordering,
// concurrent connections, binding errors and a clean close.
import net from 'node:net';
import { Hl7Message } from '@medplum/core';
import type { Encounter } from '@medplum/fhirtypes';
import { Hl7Client } from '@medplum/hl7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_NAME, openTestDatabase, type TestDatabase, testIngestContext } from '../../../test/support/test-database.ts';
import type { IngestContext } from '../ingest-context.ts';
import { sourceResourceId } from '../provenance.ts';
import { Quarantine } from '../quarantine.ts';
import type { AdtEvent } from './adt-codes.ts';
import { writeAdtMessage } from './adt-writer.ts';
import { Hl7Ingestor } from './hl7-ingestor.ts';
import { startMllpListener, type Hl7MessageHandler, type MllpListener } from './mllp-listener.ts';

let db: TestDatabase;
let ctx: IngestContext;
let ingestor: Hl7Ingestor;
let listener: MllpListener;

beforeAll(async () => {
  db = await openTestDatabase();
  ctx = testIngestContext(db.driver);
  ingestor = new Hl7Ingestor(ctx, { origin: 'mllp test' });
  listener = await startMllpListener({ port: 0, host: '127.0.0.1' }, ingestor);
});
afterAll(async () => {
  await listener.close();
  await ingestor.finish();
  await db.drop();
});

let seq = 0;
function adt(event: AdtEvent, visit: string, more: { mrn?: string; nhsNumber?: string; sent?: string; ward?: string; controlId?: string } = {}): Hl7Message {
  return Hl7Message.parse(writeAdtMessage({
    event, controlId: more.controlId ?? `MLLP${++seq}`, sendingFacility: 'RK5', sent: more.sent ?? '20240501090000',
    patient: { mrn: more.mrn ?? 'RK5400001', nhsNumber: more.nhsNumber ?? '9990000034', family: 'Nowak', given: ['Piotr'], birthDate: '19620704', sex: 'M' },
    visit: { number: visit, patientClass: 'I', ward: more.ward ?? 'W1', hospital: 'RK5', ...(event === 'A03' ? { destination: '19' } : {}) },
  }));
}

const ackCode = (ack: Hl7Message) => ack.getSegment('MSA')!.getField(1).toString();
const encounter = (visit: string) => ctx.repo.read('Encounter', sourceResourceId('epr-rk5', `visit/${visit}`, 'Encounter')) as Promise<Encounter>;
const client = () => new Hl7Client({ host: '127.0.0.1', port: listener.port, connectTimeout: 5000 });

/** Sends raw bytes on a plain socket and resolves with the first framed reply and whether the server then closed. */
function rawExchange(port: number, payload: Buffer): Promise<{ reply: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let reply: string | undefined;
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf(0x1c);
      if (end >= 0 && reply === undefined) reply = data.subarray(1, end).toString('utf8');
    });
    socket.on('close', () => (reply === undefined ? reject(new Error('closed without a reply')) : resolve({ reply, closed: true })));
    socket.on('error', reject);
    socket.write(payload);
  });
}

describe(`MLLP listener on ${DRIVER_NAME}`, () => {
  it('binds a free port when asked for port 0', () => {
    expect(listener.port).toBeGreaterThan(0);
  });

  it('acknowledges AA an A01 then an A03, and the encounter is finished', async () => {
    const hospital = client();
    try {
      expect(ackCode(await hospital.sendAndWait(adt('A01', 'MV-1', { sent: '20240501090000' })))).toBe('AA');
      expect(ackCode(await hospital.sendAndWait(adt('A03', 'MV-1', { sent: '20240503150000' })))).toBe('AA');
    } finally {
      await hospital.close();
    }
    expect(await encounter('MV-1')).toMatchObject({ status: 'finished', period: { end: '2024-05-03T15:00:00+01:00' } });
  });

  it('answers AE to an invalid NHS number and quarantines the message', async () => {
    const hospital = client();
    try {
      const ack = await hospital.sendAndWait(adt('A01', 'MV-2', { mrn: 'RK5400002', nhsNumber: '9990000035', controlId: 'MLLP-BAD-NHS' }));
      expect(ackCode(ack)).toBe('AE');
      expect(ack.getSegment('ERR')!.getField(5).toString()).toBe('INGEST_HL7_NHS_NUMBER');
    } finally {
      await hospital.close();
    }
    const items = await new Quarantine(db.driver).list({ channel: 'hl7' });
    expect(items.find((i) => i.origin === 'PAS^RK5/MLLP-BAD-NHS')).toMatchObject({ kind: 'ADT^A01', reasons: [{ code: 'INGEST_HL7_NHS_NUMBER' }] });
  });

  it('answers AR to a message type it does not take', async () => {
    const hospital = client();
    try {
      const text = adt('A01', 'MV-3').toString().replace('ADT^A01^ADT_A01', 'ORM^O01^ORM_O01');
      expect(ackCode(await hospital.sendAndWait(Hl7Message.parse(text)))).toBe('AR');
    } finally {
      await hospital.close();
    }
  });

  it('answers AR to a frame that is not HL7 at all, quarantines it, and closes that connection', async () => {
    const { reply, closed } = await rawExchange(listener.port, Buffer.from('\u000bhello, this is not hl7\u001c\r'));
    const ack = Hl7Message.parse(reply);
    expect(ackCode(ack)).toBe('AR');
    expect(ack.getSegment('MSA')!.getField(2).toString()).toBe('');
    expect(closed).toBe(true);
    const items = await new Quarantine(db.driver).list({ channel: 'hl7', source: 'unknown' });
    expect(items.some((i) => i.raw === 'hello, this is not hl7' && i.origin.startsWith('mllp 127.0.0.1:'))).toBe(true);
  });

  it('answers a re-sent MSH-10 with the same ACK and makes no new version', async () => {
    const hospital = client();
    const message = adt('A01', 'MV-4', { mrn: 'RK5400004', controlId: 'MLLP-REPEAT' });
    try {
      const first = await hospital.sendAndWait(message);
      const before = await encounter('MV-4');
      const second = await hospital.sendAndWait(message);
      expect(second.toString()).toBe(first.toString());
      expect((await encounter('MV-4')).meta?.versionId).toBe(before.meta?.versionId);
    } finally {
      await hospital.close();
    }
  });

  it('handles two connections at once, each in its own order', async () => {
    const [a, b] = [client(), client()];
    const stay = async (c: Hl7Client, visit: string, mrn: string) => {
      const acks: Hl7Message[] = [];
      acks.push(await c.sendAndWait(adt('A01', visit, { mrn, sent: '20240601090000' })));
      acks.push(await c.sendAndWait(adt('A02', visit, { mrn, sent: '20240601100000', ward: 'W2' })));
      acks.push(await c.sendAndWait(adt('A02', visit, { mrn, sent: '20240601110000', ward: 'W3' })));
      acks.push(await c.sendAndWait(adt('A03', visit, { mrn, sent: '20240602090000', ward: 'W3' })));
      return acks;
    };
    try {
      const acks = await Promise.all([stay(a, 'MV-5', 'RK5400005'), stay(b, 'MV-6', 'RK5400006')]);
      expect(acks.flat().map(ackCode)).toEqual(Array(8).fill('AA'));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
    for (const visit of ['MV-5', 'MV-6']) {
      const e = await encounter(visit);
      expect(e.status).toBe('finished');
      expect(e.location?.map((l) => l.location.identifier?.value)).toEqual(['W1', 'W2', 'W3']);
    }
  });

  it('answers frames that arrive together (a sender not waiting for ACKs) one by one, in order', async () => {
    const frames = ['20240701090000', '20240701100000'].map((sent, i) =>
      `\u000b${adt(i === 0 ? 'A01' : 'A02', 'MV-7', { mrn: 'RK5400007', sent, ward: `W${i + 1}`, controlId: `PIPE-${i}` }).toString()}\u001c\r`);
    const replies = await new Promise<string[]>((resolve, reject) => {
      const socket = net.connect(listener.port, '127.0.0.1', () => socket.write(frames.join('')));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString('utf8');
        const done = data.split('\u001c\r').filter((f) => f.startsWith('\u000b'));
        if (done.length === 2) {
          socket.end();
          resolve(done.map((f) => f.slice(1)));
        }
      });
      socket.on('error', reject);
    });
    expect(replies.map((r) => Hl7Message.parse(r).getSegment('MSA')!.toString().split('|').slice(1, 3).join('|'))).toEqual(['AA|PIPE-0', 'AA|PIPE-1']);
    expect((await encounter('MV-7')).location?.map((l) => l.location.identifier?.value)).toEqual(['W1', 'W2']);
  });

  it('reports a port already in use instead of retrying', async () => {
    await expect(startMllpListener({ port: listener.port, host: '127.0.0.1' }, ingestor)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('MLLP listener lifecycle', () => {
  function slowHandler(delayMs: number): Hl7MessageHandler & { handled: string[] } {
    const handled: string[] = [];
    return {
      handled,
      async handle(text: string) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const message = Hl7Message.parse(text);
        handled.push(message.getSegment('MSH')!.getField(10).toString());
        return { ack: message.buildAck({ ackCode: 'AA' }).toString() };
      },
    };
  }

  it('close() lets a message in flight finish and be acknowledged, then refuses new connections', async () => {
    const handler = slowHandler(300);
    const own = await startMllpListener({ port: 0 }, handler);
    const hospital = new Hl7Client({ host: '127.0.0.1', port: own.port });
    const pending = hospital.sendAndWait(adt('A01', 'LC-1', { controlId: 'IN-FLIGHT' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = own.close();
    expect(ackCode(await pending)).toBe('AA');
    await closing;
    expect(handler.handled).toEqual(['IN-FLIGHT']);
    await hospital.close();
    await expect(new Hl7Client({ host: '127.0.0.1', port: own.port, connectTimeout: 2000 }).connect()).rejects.toBeDefined();
  });

  it('closes a connection whose frame grows past the size limit', async () => {
    const own = await startMllpListener({ port: 0, maxMessageBytes: 1000 }, slowHandler(0));
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = net.connect(own.port, '127.0.0.1', () => socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(5000, 'A')])));
        socket.on('close', () => resolve(true));
        socket.on('error', () => undefined);
      });
      expect(closed).toBe(true);
    } finally {
      await own.close();
    }
  });
});

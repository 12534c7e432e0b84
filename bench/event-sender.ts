// The hospital and the council of the events benchmark, in a process of their own: a webhook
// receiver (the council's system) and an MLLP sender (the hospital's PAS) that sends A01 admissions
// at a fixed rate, one connection, waiting for each ACK. Each admission names its own ward, so the
// notification that arrives can be matched to the message that caused it; latency is measured on
// this process's clock from sending to the webhook arriving. Each person keeps one hospital number
// (MRN) across their stays, as a PAS would.
// Run by events.ts: prints {"receiver": URL}, waits for "go" on stdin, then prints the figures as JSON.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { summarize, type LatencyStats } from './measure.ts';

export interface EventFigures {
  sent: number;
  notified: number;
  lost: number;
  ratePerSecond: number;
  seconds: number;
  /** How far behind its schedule the sender fell at worst (ms): the rate was held if this is small. */
  worstSendLagMs: number;
  ackLatency: Omit<LatencyStats, 'warmup'>;
  /** From sending the A01 to the council's webhook receiving the notification. */
  endToEnd: Omit<LatencyStats, 'warmup'>;
  acks: Record<string, number>;
}

/** Connections the hospital sends on; people are split between them (an even count keeps a person on one lane). */
const LANES = 2;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function hl7Time(d: Date): string {
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}${pad(d.getUTCHours(), 2)}${pad(d.getUTCMinutes(), 2)}${pad(d.getUTCSeconds(), 2)}`;
}

export interface BenchPerson { nhsNumber: string; family: string; given: string; birthDate: string }

function admission(seq: number, person: BenchPerson, mrn: string, now: Date, event: 'A01' | 'A28' = 'A01'): string {
  const t = hl7Time(now);
  const pid = `PID|1||${mrn}^^^RK5^MR~${person.nhsNumber}^^^NHS^NH||${person.family}^${person.given}||${person.birthDate.replaceAll('-', '')}|F`;
  if (event === 'A28') return [`MSH|^~\\&|PAS|RK5|SHAREDCARE|NOTTS|${t}||ADT^A28^ADT_A05|BENCHP${seq}|P|2.4|||AL|NE`, `EVN|A28|${t}`, pid].join('\r');
  return [
    `MSH|^~\\&|PAS|RK5|SHAREDCARE|NOTTS|${t}||ADT^A01^ADT_A01|BENCH${seq}|P|2.4|||AL|NE`,
    `EVN|A01|${t}`,
    pid,
    `PV1|1|I|B${seq}^^^RK5^^^^^Bench ward ${seq}|21||||||300|||||||||RK5BV${seq}||||||||||||||||||||RK5|||||${t}`,
  ].join('\r');
}

async function run(port: number, people: BenchPerson[], rate: number, seconds: number): Promise<EventFigures> {
  const sentAt = new Map<number, number>();
  const endToEnd: number[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = performance.now();
      res.writeHead(200).end();
      const text = Buffer.concat(chunks).toString('utf8');
      for (const m of text.matchAll(/Bench ward (\d+)/g)) {
        const seq = Number(m[1]);
        const at = sentAt.get(seq);
        if (at !== undefined) {
          endToEnd.push(arrived - at);
          sentAt.delete(seq);
        }
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ receiver: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` })}\n`);
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));

  // Warm-up, not measured: the hospital already knows these people (A28 registers each once).
  const warm = new Hl7Client({ host: '127.0.0.1', port });
  for (const [i, person] of people.entries()) await warm.sendAndWait(Hl7Message.parse(admission(i, person, `RK5P${i}`, new Date(), 'A28')), { timeoutMs: 30_000 });
  await warm.close();

  // Each lane is one MLLP connection with its own people (a person's messages stay in order on one
  // connection), sending its share of the rate on a fixed schedule and waiting for each ACK.
  const total = Math.round(rate * seconds);
  const acks: Record<string, number> = {};
  const ackLatency: number[] = [];
  let worstLag = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
    const client = new Hl7Client({ host: '127.0.0.1', port });
    try {
      for (let seq = lane; seq < total; seq += LANES) {
        const due = start + (seq * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else worstLag = Math.max(worstLag, -wait);
        const sent = performance.now();
        sentAt.set(seq, sent);
        const who = seq % people.length;
        const ack = await client.sendAndWait(Hl7Message.parse(admission(seq, people[who]!, `RK5P${who}`, new Date())), { timeoutMs: 30_000 });
        ackLatency.push(performance.now() - sent);
        const code = ack.getSegment('MSA')?.getField(1)?.toString() ?? '?';
        acks[code] = (acks[code] ?? 0) + 1;
      }
    } finally {
      await client.close();
    }
  }));
  const took = (performance.now() - start) / 1000;
  // Late notifications still count; after 10 s of silence the rest are lost.
  for (let quiet = 0; sentAt.size > 0 && quiet < 100; quiet++) {
    const before = sentAt.size;
    await new Promise((r) => setTimeout(r, 100));
    if (sentAt.size < before) quiet = 0;
  }
  receiver.close();
  const { warmup: _a, ...ack } = summarize(ackLatency, 0);
  const { warmup: _b, ...e2e } = summarize(endToEnd, 0);
  return { sent: total, notified: endToEnd.length, lost: sentAt.size, ratePerSecond: Math.round((total / took) * 10) / 10, seconds: Math.round(took),
    worstSendLagMs: Math.round(worstLag), ackLatency: ack, endToEnd: e2e, acks };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [port, peopleFile, rate, seconds] = process.argv.slice(2);
  const people = JSON.parse(readFileSync(peopleFile!, 'utf8')) as BenchPerson[];
  process.stdout.write(`${JSON.stringify(await run(Number(port), people, Number(rate), Number(seconds)))}\n`);
  process.exit(0);
}

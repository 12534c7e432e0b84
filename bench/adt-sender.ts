// The hospital side of the ADT benchmark, in a process of its own as a PAS would be: sends each
// lane's messages on its own MLLP connection, one at a time (waiting for each ACK), and prints the
// figures as JSON. Run by data-in.ts: `node --import tsx bench/adt-sender.ts PORT LANES.json`.
import { readFileSync } from 'node:fs';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { summarize, type LatencyStats } from './measure.ts';

export interface AdtFigures {
  connections: number;
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  /** From sending a message to its ACK arriving, as the sending system saw it. */
  ackLatency: Omit<LatencyStats, 'warmup'>;
  acks: Record<string, number>;
}

/** Sends each lane on its own connection; lanes run side by side. */
export async function sendLanes(port: number, lanes: readonly (readonly string[])[]): Promise<AdtFigures> {
  const latencies: number[] = [];
  const acks: Record<string, number> = {};
  const started = process.hrtime.bigint();
  await Promise.all(lanes.map(async (messages) => {
    const client = new Hl7Client({ host: '127.0.0.1', port });
    try {
      for (const text of messages) {
        const sent = process.hrtime.bigint();
        const ack = await client.sendAndWait(Hl7Message.parse(text), { timeoutMs: 30_000 });
        latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
        const code = ack.getSegment('MSA')?.getField(1)?.toString() ?? '?';
        acks[code] = (acks[code] ?? 0) + 1;
      }
    } finally {
      await client.close();
    }
  }));
  const took = Number(process.hrtime.bigint() - started) / 1e9;
  const { warmup: _warmup, ...ackLatency } = summarize(latencies, 0);
  return { connections: lanes.length, messages: latencies.length, seconds: Math.round(took * 100) / 100,
    messagesPerSecond: Math.round(latencies.length / took), ackLatency, acks };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [port, file] = process.argv.slice(2);
  const lanes = JSON.parse(readFileSync(file!, 'utf8')) as string[][];
  process.stdout.write(`${JSON.stringify(await sendLanes(Number(port), lanes))}\n`);
}

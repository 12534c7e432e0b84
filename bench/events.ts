// Events benchmark (issue 6):
//  1. sustained: HL7 v2 A01 admissions over MLLP at a fixed rate (default 50/s for 600 s) for people
//     known to social care; each becomes an Encounter, routed to an admission Task in the council's
//     inbox, announced by a signed webhook to the council's system. Latency from sending the A01 to
//     the webhook arriving, measured by the sending process (bench/event-sender.ts) on one clock.
//  2. outbox throughput: 20,000 changes written at once, routed (events/s); then 2,000 matching
//     changes delivered to a webhook receiver (deliveries/s).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Resource } from '@medplum/fhirtypes';
import { ODS_ORGANIZATION_SYSTEM, ONS_GSS_CODE_SYSTEM, NHS_NUMBER_SYSTEM } from '../src/fhir/systems.ts';
import { Hl7Ingestor } from '../src/ingest/hl7/hl7-ingestor.ts';
import { startMllpListener } from '../src/ingest/hl7/mllp-listener.ts';
import { issueToken } from '../src/server/auth/tokens.ts';
import { outboxBacklog } from '../src/events/outbox.ts';
import { deliveryCounts } from '../src/events/delivery-queue.ts';
import { NhsNumberSequence } from '../src/cli/generate/nhs-number-sequence.ts';
import { batchLink } from '../src/identity/batch-link.ts';
import { openBenchDatabase, type DriverName } from './bench-database.ts';
import { startBenchServer } from './bench-server.ts';
import type { BenchPerson, EventFigures } from './event-sender.ts';

export interface EventsResult {
  benchmark: 'events';
  driver: DriverName;
  database: string;
  method: string;
  people: number;
  sustained: EventFigures & { targetP99Ms: number };
  outbox: { routed: number; routedPerSecond: number; delivered: number; deliveredPerSecond: number };
}

const COUNCIL_GSS = 'E09000012';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runEvents(options: { driver: DriverName; people: number; rate: number; seconds: number; databaseUrl?: string }): Promise<EventsResult> {
  const db = await openBenchDatabase(options.driver, options.databaseUrl, { webhookAllow: ['127.0.0.1'] });
  const { platform } = db;
  try {
    const people = await seedKnownPeople(platform.repo, options.people);
    const mllp = await startMllpListener({ port: 0 }, new Hl7Ingestor(platform.fhir.ingest, { origin: 'bench', log: () => {} }));
    const server = await startBenchServer(platform);
    platform.eventWorkers.start();
    const councilToken = await issueToken(platform.key, { scope: 'system/*.rs system/Subscription.cruds', subject: 'bench-council', kind: 'system', organization: COUNCIL_GSS });
    const sustained = await sustainedAdmissions(db.dir, mllp.port, people, options, async (receiver) => {
      await subscribe(server.fhirBase, councilToken, receiver, 'https://sharedcare.org.uk/fhir/SubscriptionTopic/admission-discharge');
    });
    await mllp.close();
    const outbox = await outboxThroughput(platform, server.fhirBase, councilToken);
    await server.close();
    return {
      benchmark: 'events', driver: options.driver, database: db.version, people: options.people,
      method: `${options.people} people with an open council episode; A01 admissions sent over MLLP by a separate process at ${options.rate}/s for ${options.seconds} s ` +
        `on two connections (each person on one; waiting for each ACK), after an unmeasured A28 registering each person at the hospital; the event workers run in the server process (poll 100 ms); the council subscribes to the admission-discharge topic ` +
        `with full-resource payloads and its receiver (in the sending process) matches each notification to its message by ward. Outbox: 20,000 Basic resources ` +
        `written in batches of 500 with workers running, time until all routed; then 2,000 matching a subscription, time until all delivered (receiver answers 200 at once).`,
      sustained: { ...sustained, targetP99Ms: 1000 },
      outbox,
    };
  } finally {
    await db.drop();
  }
}

async function seedKnownPeople(repo: { putMany(r: readonly Resource[]): Promise<unknown> }, count: number): Promise<BenchPerson[]> {
  const council = { resourceType: 'Organization', id: 'bench-council', name: 'Bench Council', identifier: [{ system: ONS_GSS_CODE_SYSTEM, value: COUNCIL_GSS }] } as Resource;
  const hospital = { resourceType: 'Organization', id: 'bench-rk5', name: 'Bench Hospital', identifier: [{ system: ODS_ORGANIZATION_SYSTEM, value: 'RK5' }] } as Resource;
  await repo.putMany([council, hospital]);
  const people: BenchPerson[] = [];
  const numbers = new NhsNumberSequence(7);
  for (let start = 0; start < count; start += 500) {
    const batch: Resource[] = [];
    for (let i = start; i < Math.min(count, start + 500); i++) {
      const person = { nhsNumber: numbers.next(), family: `Benchperson${i}`, given: 'Ada', birthDate: `19${40 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}` };
      people.push(person);
      batch.push({ resourceType: 'Patient', id: `bench-council-${i}`, meta: { source: 'urn:sharedcare:source:bench-council' },
        identifier: [{ system: NHS_NUMBER_SYSTEM, value: person.nhsNumber }], name: [{ family: person.family, given: [person.given] }], gender: 'female', birthDate: person.birthDate } as Resource);
      batch.push({ resourceType: 'EpisodeOfCare', id: `bench-episode-${i}`, meta: { source: 'urn:sharedcare:source:bench-council' }, status: 'active',
        patient: { reference: `Patient/bench-council-${i}` }, managingOrganization: { reference: 'Organization/bench-council' } } as Resource);
    }
    await repo.putMany(batch);
  }
  // The council's records become persons, as a council extract's would, so arriving hospital records link to them.
  await batchLink(repo as Parameters<typeof batchLink>[0]);
  return people;
}

async function subscribe(fhirBase: string, token: string, endpoint: string, criteria: string): Promise<void> {
  const res = await fetch(`${fhirBase}/Subscription`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ resourceType: 'Subscription', status: 'requested', reason: 'benchmark', criteria,
      channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json',
        _payload: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content', valueCode: 'full-resource' }] } } }) });
  if (res.status !== 201) throw new Error(`Subscription refused: ${res.status} ${await res.text()}`);
}

async function sustainedAdmissions(dir: string, port: number, people: BenchPerson[], options: { rate: number; seconds: number },
  onReceiver: (url: string) => Promise<void>): Promise<EventFigures> {
  const peopleFile = join(dir, 'people.json');
  writeFileSync(peopleFile, JSON.stringify(people));
  const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, 'event-sender.ts'), String(port), peopleFile, String(options.rate), String(options.seconds)],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = JSON.parse((await lines.next()).value as string) as { receiver: string };
  await onReceiver(first.receiver);
  child.stdin!.write('go\n');
  const result = JSON.parse((await lines.next()).value as string) as EventFigures;
  child.stdin!.end();
  return result;
}

async function outboxThroughput(platform: Awaited<ReturnType<typeof openBenchDatabase>>['platform'], fhirBase: string, token: string) {
  const routedCount = 20_000;
  const started = performance.now();
  for (let start = 0; start < routedCount; start += 500) {
    await platform.repo.putMany(Array.from({ length: 500 }, (_, i) => ({ resourceType: 'Basic', id: `bench-basic-${start + i}`, code: { text: 'no one listens' } }) as Resource));
  }
  while ((await outboxBacklog(platform.driver)).pending > 0) await sleep(50);
  const routedSeconds = (performance.now() - started) / 1000;

  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  await subscribe(fhirBase, token, `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/burst`, 'Basic?code=burst');
  const deliveredCount = 2_000;
  const before = (await deliveryCounts(platform.driver)).delivered;
  const t0 = performance.now();
  for (let start = 0; start < deliveredCount; start += 500) {
    await platform.repo.putMany(Array.from({ length: 500 }, (_, i) => ({ resourceType: 'Basic', id: `bench-burst-${start + i}`, code: { coding: [{ code: 'burst' }] } }) as Resource));
  }
  while ((await deliveryCounts(platform.driver)).delivered - before < deliveredCount) await sleep(50);
  const deliveredSeconds = (performance.now() - t0) / 1000;
  receiver.close();
  if (received < deliveredCount) throw new Error(`only ${received} of ${deliveredCount} burst notifications arrived`);
  return { routed: routedCount, routedPerSecond: Math.round(routedCount / routedSeconds), delivered: deliveredCount, deliveredPerSecond: Math.round(deliveredCount / deliveredSeconds) };
}

export function formatEventsTable(results: readonly EventsResult[]): string {
  const rows = results.map((r) => `| ${r.driver} | ${r.sustained.sent} at ${r.sustained.ratePerSecond}/s | ${r.sustained.notified} (${r.sustained.lost} lost) | ` +
    `${r.sustained.endToEnd.p50Ms.toFixed(0)} / ${r.sustained.endToEnd.p99Ms.toFixed(0)} / ${r.sustained.endToEnd.maxMs.toFixed(0)} | ${r.outbox.routedPerSecond} | ${r.outbox.deliveredPerSecond} |`);
  return ['| driver | A01 sent | notified | A01 → webhook p50 / p99 / max (ms) | outbox routed/s | delivered/s |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

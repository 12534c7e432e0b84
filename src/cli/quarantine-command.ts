// `sharedcare quarantine`: lists, shows, replays and discards input that imports kept back, on the
// same database the server uses. Replays go through each channel's own import path.
import { parseArgs } from 'node:util';
import type { Bundle } from '@medplum/fhirtypes';
import { type IngestChannel, Quarantine, type QuarantinedItem, type QuarantineStatus } from '../ingest/quarantine.ts';
import { replayItems, replayOpen, type ReplaySummary } from '../ingest/replay.ts';
import type { Platform } from '../server/platform.ts';
import { withCliPlatform } from './cli-platform.ts';
import { postBundle } from './demo-population.ts';

export const QUARANTINE_HELP = `sharedcare quarantine list [--source S] [--channel csv|hl7|fhir] [--status open|replayed|discarded] [--json]
sharedcare quarantine show ID
sharedcare quarantine replay ID… | --source S [--channel C]
sharedcare quarantine discard ID… --reason "why"

  Input an import could not apply is kept whole with its reasons until it is replayed (after
  the profile, lexicon or referenced record is fixed) or discarded with a reason.

  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const CHANNELS = ['csv', 'hl7', 'fhir'];
const STATUSES = ['open', 'replayed', 'discarded'];
const out = (text: string) => process.stdout.write(`${text}\n`);
const fail = (text: string): number => {
  process.stderr.write(`${text}\n`);
  return 2;
};

async function allItems(quarantine: Quarantine, query: { source?: string; channel?: IngestChannel; status?: QuarantineStatus }): Promise<QuarantinedItem[]> {
  const items: QuarantinedItem[] = [];
  for (let after: string | undefined; ;) {
    const page = await quarantine.list({ ...query, limit: 1000, ...(after ? { after } : {}) });
    items.push(...page);
    if (page.length < 1000) return items;
    after = page[page.length - 1]!.id;
  }
}

function listLine(item: QuarantinedItem): string {
  const reason = item.reasons[0];
  const more = item.reasons.length > 1 ? ` (+${item.reasons.length - 1})` : '';
  return [item.id, item.source, item.channel, item.kind, item.origin, item.status, `×${item.attempts}`,
    reason ? `${reason.code}${reason.location ? ` at ${reason.location}` : ''}${more}` : ''].join('\t');
}

function showItem(item: QuarantinedItem): void {
  const { raw, reasons, ...rest } = item;
  for (const [key, value] of Object.entries(rest)) out(`${key}: ${String(value)}`);
  out('reasons:');
  for (const r of reasons) out(`  ${r.code}${r.location ? ` at ${r.location}` : ''}: ${r.message}`);
  out('raw:');
  out(raw);
}

function printSummary(summary: ReplaySummary): number {
  for (const r of summary.results) {
    const why = r.reasons?.[0] ? ` — ${r.reasons[0].code}${r.reasons[0].location ? ` at ${r.reasons[0].location}` : ''}` : '';
    out(`${r.id}\t${r.status}${why}`);
  }
  out(`replayed ${summary.replayed} · still failing ${summary.stillFailing} · skipped ${summary.skipped}`);
  return summary.stillFailing > 0 ? 1 : 0;
}

async function byIds(quarantine: Quarantine, ids: readonly string[]): Promise<QuarantinedItem[] | string> {
  const items: QuarantinedItem[] = [];
  for (const id of ids) {
    const item = await quarantine.get(id);
    if (!item) return `No quarantine item ${id}`;
    items.push(item);
  }
  return items;
}

async function run(platform: Platform, action: string, ids: string[], values: Record<string, string | boolean | undefined>): Promise<number> {
  const quarantine = new Quarantine(platform.driver);
  const source = values.source as string | undefined;
  const channel = values.channel as IngestChannel | undefined;
  if (action === 'list') {
    const items = await allItems(quarantine, { ...(source ? { source } : {}), ...(channel ? { channel } : {}), status: (values.status as QuarantineStatus | undefined) ?? 'open' });
    if (values.json) out(JSON.stringify(items.map(({ raw: _raw, ...item }) => item), null, 2));
    else items.forEach((item) => out(listLine(item)));
    if (!values.json) process.stderr.write(`${items.length} item(s)\n`);
    return 0;
  }
  if (action === 'show') {
    const item = ids.length === 1 ? await quarantine.get(ids[0]!) : undefined;
    if (!item) return fail(ids.length === 1 ? `No quarantine item ${ids[0]}` : 'Name one item: sharedcare quarantine show ID');
    showItem(item);
    return 0;
  }
  if (action === 'replay') {
    const ctx = { ...platform.fhir.ingest, runTransaction: (bundle: Bundle) => postBundle(platform.fhir, bundle) };
    if (ids.length > 0 && source) return fail('Give item ids or --source, not both');
    if (ids.length > 0) {
      const items = await byIds(quarantine, ids);
      return typeof items === 'string' ? fail(items) : printSummary(await replayItems(ctx, items));
    }
    if (!source) return fail('Name the items to replay, or --source for all open items of a source');
    return printSummary(await replayOpen(ctx, { source, ...(channel ? { channel } : {}) }));
  }
  // discard
  const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
  if (ids.length === 0 || !reason) return fail('Usage: sharedcare quarantine discard ID… --reason "why"');
  const items = await byIds(quarantine, ids);
  if (typeof items === 'string') return fail(items);
  const closed = items.find((i) => i.status !== 'open');
  if (closed) return fail(`Item ${closed.id} is already ${closed.status}`);
  for (const item of items) await quarantine.resolve(item.id, 'discarded', { code: 'INGEST_DISCARDED', message: reason });
  out(`discarded ${items.length}`);
  return 0;
}

/** Runs `sharedcare quarantine <list|show|replay|discard> …`; `args` are what follows `quarantine`. */
export async function runQuarantineCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      source: { type: 'string' }, channel: { type: 'string' }, status: { type: 'string' },
      reason: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' },
    },
  });
  const [action, ...ids] = positionals;
  if (!action || !['list', 'show', 'replay', 'discard'].includes(action)) return fail(QUARANTINE_HELP);
  if (values.channel !== undefined && !CHANNELS.includes(values.channel)) return fail(`--channel must be one of ${CHANNELS.join(', ')}`);
  if (values.status !== undefined && !STATUSES.includes(values.status)) return fail(`--status must be one of ${STATUSES.join(', ')}`);
  if (ids.some((id) => !/^\d{1,18}$/.test(id))) return fail('Quarantine item ids are numbers');
  return withCliPlatform(values.data, (platform) => run(platform, action, ids, values));
}

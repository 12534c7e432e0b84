// The quarantine over HTTP: GET [base]/$quarantine lists items kept back by imports, POST
// [base]/$quarantine-replay re-runs them through their channel, POST [base]/$quarantine-discard drops
// them with a reason. All need a token that may create and update every type.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { type IngestChannel, Quarantine, type QuarantinedItem, type QuarantineReason, type QuarantineStatus } from '../../ingest/quarantine.ts';
import { replayItems, replayOpen, type ReplaySummary } from '../../ingest/replay.ts';
import { requireIngestAccess } from '../auth/access.ts';
import type { Interaction } from '../fhir-request.ts';
import { operationInput, type OperationInput } from './operation-input.ts';
import { serverTransaction } from './server-transaction.ts';

const CHANNELS: readonly IngestChannel[] = ['csv', 'hl7', 'fhir'];
const STATUSES: readonly QuarantineStatus[] = ['open', 'replayed', 'discarded'];
const DEFAULT_COUNT = 100;
const MAX_COUNT = 1000;

function oneOf<T extends string>(input: OperationInput, name: string, allowed: readonly T[]): T | undefined {
  const value = input.string(name);
  if (value !== undefined && !allowed.includes(value as T)) {
    throw invalid('QUARANTINE_PARAMETER', `'${name}' must be one of ${allowed.join(', ')}`, input.location(name));
  }
  return value as T | undefined;
}

function reasonPart(reason: QuarantineReason): ParametersParameter {
  return {
    name: 'reason',
    part: [
      { name: 'code', valueCode: reason.code },
      { name: 'message', valueString: reason.message },
      ...(reason.location ? [{ name: 'location', valueString: reason.location }] : []),
    ],
  };
}

/** One quarantine item as a Parameters part; `raw` (the input as received) only when asked for. */
export function itemPart(item: QuarantinedItem, includeRaw: boolean): ParametersParameter {
  return {
    name: 'item',
    part: [
      { name: 'id', valueString: item.id },
      { name: 'source', valueString: item.source },
      { name: 'channel', valueCode: item.channel },
      { name: 'kind', valueString: item.kind },
      ...(item.profile ? [{ name: 'profile', valueString: item.profile }] : []),
      { name: 'origin', valueString: item.origin },
      ...item.reasons.map(reasonPart),
      { name: 'status', valueCode: item.status },
      { name: 'received', valueInstant: item.receivedAt },
      ...(item.resolvedAt ? [{ name: 'resolved', valueInstant: item.resolvedAt }] : []),
      { name: 'attempts', valueInteger: item.attempts },
      ...(includeRaw ? [{ name: 'raw', valueString: item.raw }] : []),
    ],
  };
}

/** GET [base]/$quarantine?source=&channel=&status=&_count=&after=&_include-raw= */
export const quarantineListOperation: Interaction = async (req, ctx) => {
  requireIngestAccess(req.principal);
  const input = operationInput(req);
  const count = Math.min(input.integer('_count') ?? DEFAULT_COUNT, MAX_COUNT);
  const after = input.string('after');
  if (after !== undefined && !/^\d{1,18}$/.test(after)) throw invalid('QUARANTINE_PARAMETER', "'after' must be an item id", input.location('after'));
  const source = input.string('source');
  const channel = oneOf(input, 'channel', CHANNELS);
  const status = oneOf(input, 'status', STATUSES);
  const includeRaw = input.boolean('_include-raw') ?? false;
  const items = count === 0 ? [] : await new Quarantine(ctx.ingest.db).list({
    ...(source ? { source } : {}), ...(channel ? { channel } : {}), ...(status ? { status } : {}), ...(after ? { after } : {}), limit: count,
  });
  const parameter: ParametersParameter[] = items.map((item) => itemPart(item, includeRaw));
  // A full page may have more after it: `next` is the `after` to ask with.
  if (count > 0 && items.length === count) parameter.push({ name: 'next', valueString: items[items.length - 1]!.id });
  const body: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, body };
};

/** The items named by `id` (all must exist), in the order given. */
async function namedItems(quarantine: Quarantine, input: OperationInput): Promise<QuarantinedItem[]> {
  const ids = input.strings('id');
  const items: QuarantinedItem[] = [];
  for (const id of ids) {
    const item = await quarantine.get(id);
    if (!item) throw new FhirError('not-found', 'QUARANTINE_NOT_FOUND', `No quarantine item ${id}`, input.location('id'));
    items.push(item);
  }
  return items;
}

function summaryParameters(summary: ReplaySummary): Parameters {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'replayed', valueInteger: summary.replayed },
      { name: 'still-failing', valueInteger: summary.stillFailing },
      { name: 'skipped', valueInteger: summary.skipped },
      ...summary.results.map((r) => ({
        name: 'result',
        part: [{ name: 'id', valueString: r.id }, { name: 'status', valueCode: r.status }, ...(r.reasons ?? []).map(reasonPart)],
      })),
    ],
  };
}

/** POST [base]/$quarantine-replay with `id` (repeatable), or `source` (and `channel`) for all its open items. */
export const quarantineReplayOperation: Interaction = async (req, ctx) => {
  requireIngestAccess(req.principal);
  const input = operationInput(req);
  const quarantine = new Quarantine(ctx.ingest.db);
  const replayCtx = { ...ctx.ingest, runTransaction: serverTransaction(req, ctx) };
  const source = input.string('source');
  const channel = oneOf(input, 'channel', CHANNELS);
  const named = await namedItems(quarantine, input);
  if (named.length > 0 && source) throw invalid('QUARANTINE_PARAMETER', "Give either 'id' or 'source', not both", input.location('source'));
  if (named.length > 0) return { status: 200, body: summaryParameters(await replayItems(replayCtx, named)) };
  if (!source) throw invalid('QUARANTINE_PARAMETER', "Name the items to replay with 'id', or all open items of a 'source'", input.location('id'));
  return { status: 200, body: summaryParameters(await replayOpen(replayCtx, { source, ...(channel ? { channel } : {}) })) };
};

/** POST [base]/$quarantine-discard with `id` (repeatable) and the `reason` for dropping them. */
export const quarantineDiscardOperation: Interaction = async (req, ctx) => {
  requireIngestAccess(req.principal);
  const input = operationInput(req);
  const quarantine = new Quarantine(ctx.ingest.db);
  const reason = input.string('reason')?.trim();
  if (!reason) throw invalid('QUARANTINE_REASON', 'Say why the items are discarded (reason)', input.location('reason'));
  const items = await namedItems(quarantine, input);
  if (items.length === 0) throw invalid('QUARANTINE_PARAMETER', "Name the items to discard with 'id'", input.location('id'));
  const closed = items.find((i) => i.status !== 'open');
  if (closed) throw new FhirError('conflict', 'QUARANTINE_NOT_OPEN', `Quarantine item ${closed.id} is already ${closed.status}`, input.location('id'));
  let discarded = 0;
  for (const item of items) {
    if (await quarantine.resolve(item.id, 'discarded', { code: 'INGEST_DISCARDED', message: reason })) discarded++;
  }
  return { status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'discarded', valueInteger: discarded }] } };
};

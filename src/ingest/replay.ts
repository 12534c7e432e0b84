// Replays quarantined input through the channel it came from: one registry of replayers by channel,
// so the HTTP operation and the command replay CSV rows, HL7 messages and FHIR resources alike.
import { FhirError } from '../fhir/errors.ts';
import { replayCsv } from './csv/replay-csv.ts';
import { type FhirReplayContext, replayFhir } from './fhir/replay-fhir.ts';
import { replayHl7 } from './hl7/replay-hl7.ts';
import { type IngestChannel, Quarantine, type QuarantinedItem, type QuarantineReason, type Replayer } from './quarantine.ts';

const REPLAYERS: Record<IngestChannel, Replayer> = {
  csv: replayCsv,
  hl7: replayHl7,
  fhir: replayFhir,
};

/** What replays may need: the ingest context, plus the server's transaction processing for FHIR transactions. */
export type ReplayContext = FhirReplayContext;

export interface ReplayResult {
  id: string;
  /** replayed: applied and closed; still-failing: reasons replaced, attempts + 1; skipped: not open, or no replayer. */
  status: 'replayed' | 'still-failing' | 'skipped';
  reasons?: QuarantineReason[];
}

export interface ReplaySummary {
  replayed: number;
  stillFailing: number;
  skipped: number;
  results: ReplayResult[];
}

async function replayOne(ctx: ReplayContext, quarantine: Quarantine, item: QuarantinedItem): Promise<ReplayResult> {
  const replayer = REPLAYERS[item.channel];
  if (item.status !== 'open') return { id: item.id, status: 'skipped', reasons: [{ code: 'INGEST_REPLAY_CLOSED', message: `The item is ${item.status}` }] };
  if (!replayer) return { id: item.id, status: 'skipped', reasons: [{ code: 'INGEST_REPLAY_CHANNEL', message: `No replay for the ${item.channel} channel yet` }] };
  let reasons: QuarantineReason[] | undefined;
  try {
    reasons = await replayer(item, ctx);
  } catch (err) {
    if (!(err instanceof FhirError)) throw err;
    reasons = err.issues.map((i) => ({ code: i.id ?? err.code, message: i.message, ...(i.expression?.[0] ? { location: i.expression[0] } : {}) }));
  }
  if (reasons === undefined) {
    await quarantine.resolve(item.id, 'replayed');
    return { id: item.id, status: 'replayed' };
  }
  await quarantine.stillFailing(item.id, reasons);
  return { id: item.id, status: 'still-failing', reasons };
}

function summarise(results: ReplayResult[]): ReplaySummary {
  const count = (status: ReplayResult['status']) => results.filter((r) => r.status === status).length;
  return { replayed: count('replayed'), stillFailing: count('still-failing'), skipped: count('skipped'), results };
}

/** Replays the items in order, each through its channel's replayer; closed items are skipped. */
export async function replayItems(ctx: ReplayContext, items: readonly QuarantinedItem[]): Promise<ReplaySummary> {
  const quarantine = new Quarantine(ctx.db);
  const results: ReplayResult[] = [];
  for (const item of items) results.push(await replayOne(ctx, quarantine, item));
  return summarise(results);
}

/** Replays every open item of a source (and channel), page by page, each once. */
export async function replayOpen(ctx: ReplayContext, query: { source: string; channel?: IngestChannel }): Promise<ReplaySummary> {
  const quarantine = new Quarantine(ctx.db);
  const results: ReplayResult[] = [];
  // Items that fail again stay open, so the cursor moves on by id rather than re-reading page one.
  let after: string | undefined;
  for (;;) {
    const page = await quarantine.list({ ...query, status: 'open', limit: 500, ...(after ? { after } : {}) });
    for (const item of page) results.push(await replayOne(ctx, quarantine, item));
    if (page.length < 500) return summarise(results);
    after = page[page.length - 1]!.id;
  }
}

// `sharedcare events`: the delivery queue on the server's database — what is waiting, what was
// delivered, what is dead — each delivery's attempts, and putting dead letters back in the queue.
import { parseArgs } from 'node:util';
import { deliveryCounts, deliveryLog, listDeliveries, replayDeadDeliveries, type Delivery } from '../events/delivery-queue.ts';
import { failedRoutings, outboxBacklog, requeueFailedRoutings } from '../events/outbox.ts';
import { withCliPlatform } from './cli-platform.ts';
import { out, table } from './link-store-cli.ts';

export const EVENTS_HELP = `sharedcare events status
sharedcare events list [--status pending|delivered|dead] [--subscriber S] [--limit N] [--json]
sharedcare events log DELIVERY
sharedcare events replay (DELIVERY… | --subscriber S | --all)
sharedcare events reroute

  Every change is routed from the outbox to the subscribers that must hear of it; each delivery
  is retried with exponential backoff and becomes dead after its last attempt (nothing is
  dropped). status counts the queue; list shows deliveries; log shows one delivery's attempts;
  replay puts dead deliveries back in the queue with their original event ids. A change whose
  routing fails on its own is set aside (so it cannot hold up the others) and listed by status;
  reroute puts those back in the outbox once the cause is fixed.

  --data DIR     data directory of the embedded database (default ./data); DATABASE_URL=… for PostgreSQL`;

const STATUSES = ['pending', 'delivered', 'dead'];

export async function runEventsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest, allowPositionals: true,
    options: { data: { type: 'string' }, status: { type: 'string' }, subscriber: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } },
  });
  if (values.status && !STATUSES.includes(values.status)) return usage(`--status is one of ${STATUSES.join(', ')}`);
  if (positionals.some((p) => !/^\d{1,18}$/.test(p))) return usage('deliveries are named by number');
  return withCliPlatform(values.data, async ({ driver }) => {
    switch (sub) {
      case 'status': {
        const [counts, backlog] = await Promise.all([deliveryCounts(driver), outboxBacklog(driver)]);
        out(`outbox: ${backlog.pending} change(s) waiting to be routed${backlog.pending ? ` (oldest ${backlog.oldestSeconds.toFixed(1)} s)` : ''}`);
        out(`deliveries: ${counts.pending} pending, ${counts.delivered} delivered, ${counts.dead} dead`);
        if (backlog.failed > 0) {
          out(`${backlog.failed} change(s) set aside after failing to route (sharedcare events reroute):`);
          for (const f of await failedRoutings(driver, 20)) out(`  ${f.type}/${f.id}/_history/${f.versionId} event ${f.eventId}: ${f.error}`);
        }
        return counts.dead > 0 || backlog.failed > 0 ? 1 : 0;
      }
      case 'list': {
        const rows = await listDeliveries(driver, { ...(values.status ? { status: values.status as Delivery['status'] } : {}),
          ...(values.subscriber ? { subscriber: values.subscriber } : {}), limit: Number(values.limit ?? 50) });
        if (values.json) out(JSON.stringify(rows, null, 2));
        else out(table([['id', 'subscriber', 'channel', 'status', 'attempts', 'event', 'last error'],
          ...rows.map((d) => [d.id, d.subscriber, d.channel, d.status, String(d.attempts), d.eventId, d.lastError ?? ''])]));
        return 0;
      }
      case 'log': {
        if (positionals.length !== 1) return usage('events log takes one delivery number');
        const attempts = await deliveryLog(driver, positionals[0]!);
        out(table([['attempt', 'at', 'outcome', 'http', 'error'], ...attempts.map((a) => [String(a.attempt), a.at, a.outcome, String(a.httpStatus ?? ''), a.error ?? ''])]));
        return 0;
      }
      case 'replay': {
        if (positionals.length === 0 && !values.subscriber && !values.all) return usage('name the deliveries to replay, or --subscriber S, or --all');
        const n = await driver.transaction((tx) => replayDeadDeliveries(tx, { ...(positionals.length ? { ids: positionals } : {}), ...(values.subscriber ? { subscriber: values.subscriber } : {}) }));
        out(`${n} dead deliver${n === 1 ? 'y' : 'ies'} back in the queue`);
        return 0;
      }
      case 'reroute': {
        const n = await requeueFailedRoutings(driver);
        out(`${n} change(s) back in the outbox`);
        return 0;
      }
      default:
        return usage(`unknown events command '${sub ?? ''}'`);
    }
  });
}

function usage(message: string): number {
  process.stderr.write(`${message}\n\n${EVENTS_HELP}\n`);
  return 2;
}

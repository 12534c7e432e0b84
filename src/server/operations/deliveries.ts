// The delivery log and the dead-letter queue, for sharedcare's operators:
//   GET  [base]/$deliveries?status=dead&subscriber=Subscription/1   deliveries with their attempts
//   POST [base]/$delivery-replay  (id … | subscriber)                 put dead deliveries back in the queue
// Subscribers see their own deliveries through Subscription/{id}/$status and $events instead.
import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { FhirError, invalid } from '../../fhir/errors.ts';
import { deliveryLog, listDeliveries, replayDeadDeliveries, type Delivery } from '../../events/delivery-queue.ts';
import type { FhirRequest, Interaction } from '../fhir-request.ts';
import { operationInput } from './operation-input.ts';

const STATUSES = ['pending', 'delivered', 'dead'] as const;

function requireOperator(req: FhirRequest): void {
  if (req.grant?.callerClass !== 'operator') {
    throw new FhirError('forbidden', 'EVENTS_OPERATOR', 'The delivery queue is for sharedcare operators; subscribers use Subscription/{id}/$status and $events');
  }
}

export const deliveriesOperation: Interaction = async (req, ctx) => {
  requireOperator(req);
  const input = operationInput(req);
  const status = input.string('status');
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) throw invalid('EVENTS_STATUS', `status is one of ${STATUSES.join(', ')}`, 'status');
  const subscriber = input.string('subscriber');
  const count = input.integer('_count') ?? 100;
  const deliveries = await listDeliveries(ctx.ingest.db, { ...(status ? { status: status as Delivery['status'] } : {}), ...(subscriber ? { subscriber } : {}), limit: Math.min(count, 1000) });
  const parameter: ParametersParameter[] = [];
  for (const d of deliveries) {
    const attempts = await deliveryLog(ctx.ingest.db, d.id);
    parameter.push({ name: 'delivery', part: [
      { name: 'id', valueString: d.id },
      { name: 'eventId', valueUuid: `urn:uuid:${d.eventId}` },
      { name: 'subscriber', valueString: d.subscriber },
      { name: 'channel', valueCode: d.channel },
      { name: 'status', valueCode: d.status },
      { name: 'attempts', valueInteger: d.attempts },
      ...(d.eventNumber !== null ? [{ name: 'eventNumber', valueString: String(d.eventNumber) }] : []),
      ...(d.status === 'pending' ? [{ name: 'nextAttempt', valueInstant: new Date(d.nextAttemptAt).toISOString() }] : []),
      ...(d.lastError ? [{ name: 'lastError', valueString: d.lastError }] : []),
      ...attempts.map((a) => ({ name: 'attempt', part: [
        { name: 'at', valueInstant: new Date(a.at).toISOString() },
        { name: 'outcome', valueCode: a.outcome },
        ...(a.httpStatus !== null ? [{ name: 'httpStatus', valueInteger: a.httpStatus }] : []),
        ...(a.error ? [{ name: 'error', valueString: a.error }] : []),
      ] })),
    ] });
  }
  const body: Parameters = { resourceType: 'Parameters', parameter };
  return { status: 200, body };
};

export const deliveryReplayOperation: Interaction = async (req, ctx) => {
  requireOperator(req);
  const input = operationInput(req);
  const ids = input.strings('id');
  const subscriber = input.string('subscriber');
  if (ids.some((id) => !/^\d{1,18}$/.test(id))) throw invalid('EVENTS_ID', 'id is a delivery number', 'id');
  if (ids.length === 0 && !subscriber && input.boolean('all') !== true) {
    throw invalid('EVENTS_REPLAY_WHICH', 'Name the deliveries to replay: id, subscriber, or all=true', 'id');
  }
  const replayed = await ctx.repo.transaction((_, sql) => replayDeadDeliveries(sql, { ...(ids.length ? { ids } : {}), ...(subscriber ? { subscriber } : {}) }));
  return { status: 200, body: { resourceType: 'Parameters', parameter: [{ name: 'replayed', valueInteger: replayed }] } };
};

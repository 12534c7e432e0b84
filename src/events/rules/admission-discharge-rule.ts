// Admissions, moves and discharges of people known to social care reach their council within a
// second: a Task in the allocated team's inbox (which subscriptions on Task then announce), or, for
// a council this deployment does not serve, a FHIR message to its endpoint or a readable notice for
// secure email.
import type { Encounter, Patient, Reference } from '@medplum/fhirtypes';
import { enqueueDelivery } from '../delivery-queue.ts';
import { NOTIFICATION } from '../event-codes.ts';
import { councilReference, notificationTask } from '../notification-task.ts';
import type { OutboxEvent } from '../outbox.ts';
import type { RoutingBatch, RoutingRule } from '../routing-batch.ts';
import { hospitalEventOf, type HospitalEvent } from './hospital-event.ts';
import { socialCareInvolvement, type Involvement } from './social-care-involvement.ts';
import { outOfAreaPayload } from './out-of-area.ts';

export const admissionDischargeRule: RoutingRule = {
  name: 'admission-discharge',
  async route(batch) {
    for (const event of batch.ofType('Encounter')) {
      if (!event.personKey) continue;
      const current = await batch.version('Encounter', event.id, event.versionId) as Encounter | undefined;
      if (!current) continue;
      const previous = event.versionId > 1 ? await batch.version('Encounter', event.id, event.versionId - 1) as Encounter | undefined : undefined;
      const happened = hospitalEventOf(previous, current);
      if (!happened || isHistory(batch, happened)) continue;
      const involvements = await socialCareInvolvement(batch.tx, batch.repo, batch.ctx.governance, event.personKey, batch.now);
      for (const involvement of involvements) await notify(batch, event, current, happened, involvement);
    }
  },
};

/** A stay loaded from history (a back-load, a late feed of old visits) is news to no one. */
function isHistory(batch: RoutingBatch, happened: HospitalEvent): boolean {
  const at = Date.parse(happened.at);
  return Number.isFinite(at) && batch.now.getTime() - at > batch.ctx.settings.hospitalEventMaxAgeHours * 3_600_000;
}

async function notify(batch: RoutingBatch, event: OutboxEvent, encounter: Encounter, happened: HospitalEvent, known: Involvement): Promise<void> {
  const code = NOTIFICATION[happened.kind];
  const hospital = encounter.serviceProvider?.display ?? encounter.serviceProvider?.identifier?.value ?? 'hospital';
  const description = `${code.display}${happened.ward ? `, ${happened.ward}` : ''} (${hospital}), ${happened.at}`;
  // The hospital's record of the person: read only when an address or a readable notice needs it.
  let patient: Patient | undefined;
  const hospitalPatient = async () => (patient ??= await readPatient(batch, encounter.subject?.reference));
  const { who, reason } = known.councilGss ? { who: known, reason: 'open-episode' as const } : locateCouncil(batch, known, await hospitalPatient());
  const council = who.councilGss ? batch.ctx.locator.council(who.councilGss) : undefined;
  if (council && council.local !== true) {
    await hospitalPatient();
    const out = outOfAreaPayload({ eventId: event.eventId, encounter, happened, council, hospital, reason, ...(patient ? { patient } : {}) });
    if (out) {
      await enqueueDelivery(batch.tx, { eventId: event.eventId, subscriber: `council:${council.gss}`, personKey: event.personKey, focus: `Encounter/${encounter.id}`, ...out });
      return;
    }
    // No endpoint and no email: the Task below keeps the notification where this deployment's staff see it.
  }
  const owner: Reference = who.team ?? who.councilRef ?? (who.councilGss
    ? councilReference(who.councilGss, who.councilName)
    : { display: who.councilName ?? 'council' });
  const task = notificationTask({
    eventId: event.eventId, code, description, owner, for: who.patient, focus: { reference: `Encounter/${encounter.id}` },
    ...(encounter.serviceProvider ? { requester: encounter.serviceProvider } : {}), reason: who.basis, occurred: happened.at, now: batch.now,
    priority: happened.kind === 'admission' ? 'urgent' : 'routine',
  });
  await batch.repo.putMany([task]);
}

/** A record that names no council we can tell (an episode without its managing council): the locator decides from the address. */
function locateCouncil(batch: RoutingBatch, known: Involvement, patient: Patient | undefined): { who: Involvement; reason: 'address' | 'open-episode' } {
  const located = patient ? batch.ctx.locator.locatePatient(patient, batch.now) : undefined;
  if (!located) return { who: known, reason: 'open-episode' };
  return { who: { ...known, councilGss: located.gss, councilName: located.name }, reason: 'address' };
}

async function readPatient(batch: RoutingBatch, reference: string | undefined): Promise<Patient | undefined> {
  if (!reference?.startsWith('Patient/')) return undefined;
  return batch.repo.read('Patient', reference.slice('Patient/'.length)).catch(() => undefined) as Promise<Patient | undefined>;
}

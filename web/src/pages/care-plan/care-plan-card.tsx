// One shared care plan as the person's practitioners read it: what it is and who wrote it, its goals,
// the activities in it (services and what others added) with their status and who does them, and its
// notes; each with where it came from and when it last changed.
import type { CarePlan, CarePlanActivity, Goal, Resource, ServiceRequest } from '@medplum/fhirtypes';
import { useId, type ReactNode } from 'react';
import './care-plan.css';
import { conceptText, dateInWords } from '../record/person-format.ts';
import { sourceName } from '../record/source-name.ts';
import { timeInWords } from '../inbox/when.ts';
import { nameOf } from './care-plans.ts';
import { SOURCE_SYSTEM_PREFIX } from '../../../../src/fhir/systems.ts';

const PLAN_STATUS: Readonly<Record<string, string>> = {
  draft: 'Draft', active: 'Active', 'on-hold': 'On hold', revoked: 'Ended early', completed: 'Completed', 'entered-in-error': 'Entered in error', unknown: 'Status not known',
};
const ACTIVITY_STATUS: Readonly<Record<string, string>> = {
  'not-started': 'Not started', scheduled: 'Scheduled', 'in-progress': 'In progress', 'on-hold': 'On hold', completed: 'Completed',
  cancelled: 'Cancelled', stopped: 'Stopped', unknown: 'Status not known', 'entered-in-error': 'Entered in error',
  // A service (ServiceRequest) in the plan has request statuses.
  draft: 'Draft', active: 'Active', revoked: 'Ended early',
};

/** "Hackney social care (Mosaic), updated 6 May 2026". */
export function sourceLine(resource: Resource): string {
  const source = sourceName(resource.meta?.source?.replace(SOURCE_SYSTEM_PREFIX, ''));
  return resource.meta?.lastUpdated ? `${source}, updated ${dateInWords(resource.meta.lastUpdated)}` : source;
}

export function planTitle(plan: CarePlan): string {
  return plan.title ?? conceptText(plan.category?.[0]) ?? 'Care plan';
}

export function CarePlanCard({ plan, related, children }: { plan: CarePlan; related: ReadonlyMap<string, Resource>; children?: ReactNode }) {
  const id = useId();
  const title = planTitle(plan);
  const goals = (plan.goal ?? []).map((g) => related.get(g.reference ?? '') as Goal | undefined).filter((g): g is Goal => !!g);
  const careTeams = (plan.careTeam ?? []).map((t) => nameOf(t, related)).filter(Boolean);
  const contributors = (plan.contributor ?? []).map((c) => nameOf(c, related)).filter(Boolean);
  return (
    <section className="nhsuk-card" aria-labelledby={`${id}-title`} data-care-plan={plan.id}>
      <div className="nhsuk-card__content">
        <h3 className="nhsuk-card__heading nhsuk-heading-m" id={`${id}-title`}>{title}</h3>
        <p className="nhsuk-body-s"><strong className="nhsuk-tag nhsuk-tag--white">{PLAN_STATUS[plan.status] ?? plan.status}</strong></p>
        <dl className="nhsuk-summary-list">
          <Row label="Period">{periodInWords(plan.period?.start, plan.period?.end)}</Row>
          {plan.category?.length ? <Row label="Categories">{plan.category.map(conceptText).filter(Boolean).join('; ')}</Row> : null}
          <Row label="Written by">{nameOf(plan.author, related) ?? 'Not recorded'}</Row>
          {contributors.length > 0 && <Row label="Contributors">{contributors.join('; ')}</Row>}
          {careTeams.length > 0 && <Row label="Care team">{careTeams.join('; ')}</Row>}
        </dl>
        <p className="sc-source">From {sourceLine(plan)}</p>

        {goals.length > 0 && (
          <>
            <h4 className="nhsuk-heading-s">Goals</h4>
            <ul className="nhsuk-list nhsuk-list--bullet">
              {goals.map((goal) => (
                <li key={goal.id}>
                  {conceptText(goal.description) ?? 'Goal'} ({goal.lifecycleStatus})
                  <div className="sc-source">From {sourceLine(goal)}</div>
                </li>
              ))}
            </ul>
          </>
        )}

        <h4 className="nhsuk-heading-s">Activities</h4>
        {plan.activity?.length ? (
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Activities in the {title.toLowerCase()}</caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th className="nhsuk-table__header" scope="col">Activity</th>
                <th className="nhsuk-table__header" scope="col">Status</th>
                <th className="nhsuk-table__header" scope="col">Who does it</th>
                <th className="nhsuk-table__header" scope="col">Added</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {plan.activity.map((activity, i) => <ActivityRow key={i} activity={activity} related={related} />)}
            </tbody>
          </table>
        ) : <p className="nhsuk-body">No activities yet.</p>}

        <h4 className="nhsuk-heading-s">Notes</h4>
        {plan.note?.length ? (
          <ul className="nhsuk-list sc-plan-notes">
            {plan.note.map((note, i) => (
              <li key={i}>
                {note.text}
                <div className="sc-source">{addedBy(note.authorString ?? nameOf(note.authorReference, related), note.time)}</div>
              </li>
            ))}
          </ul>
        ) : <p className="nhsuk-body">No notes yet.</p>}
        {children}
      </div>
    </section>
  );
}

function ActivityRow({ activity, related }: { activity: CarePlanActivity; related: ReadonlyMap<string, Resource> }) {
  const service = activity.reference?.reference ? related.get(activity.reference.reference) as ServiceRequest | undefined : undefined;
  const detail = activity.detail;
  const what = detail?.description ?? conceptText(detail?.code) ?? conceptText(service?.code) ?? activity.reference?.display ?? 'Activity';
  const status = detail?.status ?? service?.status;
  const performers = (detail?.performer ?? service?.performer ?? []).map((p) => nameOf(p, related)).filter(Boolean);
  const added = activity.progress?.[0];
  return (
    <tr className="nhsuk-table__row">
      <td className="nhsuk-table__cell">{what}</td>
      <td className="nhsuk-table__cell">{status ? ACTIVITY_STATUS[status] ?? status : 'Not recorded'}</td>
      <td className="nhsuk-table__cell">{performers.join('; ') || 'Not recorded'}</td>
      <td className="nhsuk-table__cell">
        {added?.authorString ? addedBy(added.authorString, added.time) : service ? `From ${sourceLine(service)}` : 'With the plan'}
      </td>
    </tr>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="nhsuk-summary-list__row">
      <dt className="nhsuk-summary-list__key">{label}</dt>
      <dd className="nhsuk-summary-list__value">{children}</dd>
    </div>
  );
}

function addedBy(who: string | undefined, when: string | undefined): string {
  return ['Added', who && `by ${who}`, when && `on ${timeInWords(when)}`].filter(Boolean).join(' ');
}

function periodInWords(start: string | undefined, end: string | undefined): string {
  if (!start && !end) return 'Not recorded';
  if (!end) return `From ${dateInWords(start)}`;
  return `${start ? dateInWords(start) : 'Not recorded'} to ${dateInWords(end)}`;
}

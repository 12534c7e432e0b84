// The council's record of the person (seed 000 Appendix 1, seed 001): the open case, the allocated
// worker and team with their numbers, the primary support reason, services and who provides them,
// carers and contacts, reviews and assessments, and safeguarding. Mapping: docs/mapping/social-care.md
import type { CareTeam, Condition, Device, EpisodeOfCare, Flag, RelatedPerson, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { ReactNode } from 'react';
import { isPrimarySupportReason } from './conditions-tab.tsx';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { DataTable } from './data-table.tsx';
import type { Directory } from './directory.ts';
import { ItemSources, codeInWords } from './item-sources.tsx';
import { conceptText, dateInWords, personName } from './person-format.ts';
import { contactOf, phonesOf, type Contact } from './social-care-people.ts';

const isOpen = (status: string | undefined) => status !== 'finished' && status !== 'cancelled' && status !== 'inactive' && status !== 'entered-in-error';
const openFirst = <T extends { status?: string }>(items: T[]) => [...items].sort((a, b) => Number(isOpen(b.status)) - Number(isOpen(a.status)));
const hasCode = (concepts: ReadonlyArray<{ coding?: Array<{ code?: string }> }> | undefined, code: string) =>
  concepts?.some((c) => c.coding?.some((x) => x.code === code)) ?? false;

function Rows({ label, rows }: { label: string; rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="nhsuk-summary-list" aria-label={label}>
      {rows.map(([key, value]) => (
        <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions" key={key}>
          <dt className="nhsuk-summary-list__key">{key}</dt>
          <dd className="nhsuk-summary-list__value">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ContactLines({ contact }: { contact: Contact | undefined }) {
  if (!contact) return <>Not recorded</>;
  return (
    <>
      <span className="nhsuk-u-font-weight-bold">{contact.name}</span>{contact.title && <>, {contact.title}</>}
      {contact.phones.map((p) => <span key={p}><br />Phone: {p}</span>)}
    </>
  );
}

const period = (p: { start?: string; end?: string } | undefined) =>
  p?.end ? `${dateInWords(p.start)} to ${dateInWords(p.end)}` : p?.start ? `Since ${dateInWords(p.start)}` : 'Not recorded';

function CaseSection({ episodes, reasons, directory }: { episodes: EpisodeOfCare[]; reasons: Condition[]; directory: Directory }) {
  return (
    <>
      <h3>Case and primary support reason</h3>
      {episodes.length === 0 && <p>No social care case is recorded.</p>}
      {openFirst(episodes).map((e) => {
        const reason = reasons.find((r) => e.diagnosis?.some((d) => d.condition.reference === `Condition/${r.id}`));
        return (
          <Rows key={e.id} label={`Case ${conceptText(e.type?.[0]) ?? ''}`} rows={[
            ['Case', <><span className="nhsuk-u-font-weight-bold">{conceptText(e.type?.[0]) ?? 'Social care'}</span>: {isOpen(e.status) ? 'open' : 'closed'}. {period(e.period)}</>],
            ['Primary support reason', reason ? conceptText(reason.code) : 'Not recorded'],
            ['Care manager', <ContactLines contact={contactOf(directory, e.careManager)} />],
            ['Source', <ItemSources resource={e} />],
          ]} />
        );
      })}
      {reasons.filter((r) => !episodes.some((e) => e.diagnosis?.some((d) => d.condition.reference === `Condition/${r.id}`))).map((r) => (
        <Rows key={r.id} label="Primary support reason" rows={[
          ['Primary support reason', conceptText(r.code)],
          ['Source', <ItemSources resource={r} />],
        ]} />
      ))}
    </>
  );
}

function TeamSection({ teams, directory }: { teams: CareTeam[]; directory: Directory }) {
  return (
    <>
      <h3>Allocated worker and team</h3>
      {teams.length === 0 && <p>No allocated worker or team is recorded.</p>}
      {openFirst(teams).map((team) => {
        const teamContact = contactOf(directory, team.managingOrganization?.[0]);
        const teamPhones = [...new Set([...phonesOf(team.telecom), ...(teamContact?.phones ?? [])])];
        const staff = (team.participant ?? []).filter((p) => !p.member?.reference?.startsWith('RelatedPerson/'));
        return (
          <Rows key={team.id} label={`Team ${team.name ?? ''}`} rows={[
            ['Team', <><span className="nhsuk-u-font-weight-bold">{team.name ?? teamContact?.name ?? 'Unnamed team'}</span>{!isOpen(team.status) && ' (ended)'}
              {teamPhones.map((p) => <span key={p}><br />Phone: {p}</span>)}</>],
            ...staff.map((p, i): [string, ReactNode] => [conceptText(p.role?.[0]) ?? 'Worker', <ContactLines key={i} contact={contactOf(directory, p.member)} />]),
            ['Allocated', period(team.period)],
            ['Source', <ItemSources resource={team} />],
          ]} />
        );
      })}
    </>
  );
}

function ServicesSection({ services, devices, directory }: { services: ServiceRequest[]; devices: Device[]; directory: Directory }) {
  return (
    <>
      <h3>Services and providers</h3>
      {services.length === 0 ? <p>No services are recorded.</p> : (
        <DataTable captionHidden caption="Services" columns={['Service', 'Provider', 'When', 'Source']} rows={openFirst(services).map((s) => ({
          key: s.id!,
          cells: [
            <><span className="nhsuk-u-font-weight-bold">{conceptText(s.code) ?? 'Service'}</span>
              {s.code?.coding?.[0]?.display && s.code.coding[0].display !== s.code.text && <><br />{s.code.coding[0].display}</>}
              {s.category?.[0] && <><br />{conceptText(s.category[0])}</>}</>,
            <ContactLines contact={contactOf(directory, s.performer?.[0])} />,
            <>{period(s.occurrencePeriod ?? (s.authoredOn ? { start: s.authoredOn } : undefined))}<br />{codeInWords(s.status)}</>,
            <ItemSources resource={s} />,
          ],
        }))} />
      )}
      {devices.length > 0 && (
        <DataTable caption="Equipment" columns={['Equipment', 'Provided by', 'Source']} rows={devices.map((d) => ({
          key: d.id!,
          cells: [conceptText(d.type) ?? 'Equipment', <ContactLines contact={contactOf(directory, d.owner)} />, <ItemSources resource={d} />],
        }))} />
      )}
    </>
  );
}

function CarersSection({ people }: { people: RelatedPerson[] }) {
  return (
    <>
      <h3>Carers and contacts</h3>
      {people.length === 0 ? <p>No carers or contacts are recorded.</p> : (
        <DataTable captionHidden caption="Carers and contacts" columns={['Name', 'Relationship', 'Phone', 'Source']} rows={people.map((p) => ({
          key: p.id!,
          cells: [
            <span className="nhsuk-u-font-weight-bold">{personName(p.name)}</span>,
            (p.relationship ?? []).map(conceptText).filter(Boolean).join(', ') || 'Not recorded',
            phonesOf(p.telecom).join(', ') || 'Not recorded',
            <ItemSources resource={p} />,
          ],
        }))} />
      )}
    </>
  );
}

function ReviewsSection({ tasks }: { tasks: Task[] }) {
  return (
    <>
      <h3>Reviews and assessments</h3>
      {tasks.length === 0 ? <p>No reviews or assessments are recorded.</p> : (
        <DataTable captionHidden caption="Reviews, assessments and contacts" columns={['What', 'Status', 'Dates', 'Source']} rows={tasks.map((t) => ({
          key: t.id!,
          cells: [
            <><span className="nhsuk-u-font-weight-bold">{conceptText(t.code) ?? 'Task'}</span>{t.owner?.display && <><br />{t.owner.display}</>}
              {t.businessStatus && <><br />Outcome: {conceptText(t.businessStatus)}</>}</>,
            codeInWords(t.status),
            <>{t.authoredOn && <>Recorded {dateInWords(t.authoredOn)}</>}{t.restriction?.period?.end && <><br />Due {dateInWords(t.restriction.period.end)}</>}</>,
            <ItemSources resource={t} />,
          ],
        }))} />
      )}
    </>
  );
}

function SafeguardingSection({ flags, enquiries, seesAlerts }: { flags: Flag[]; enquiries: Task[]; seesAlerts: boolean }) {
  const items: Array<Flag | Task> = [...openFirst(flags), ...enquiries];
  return (
    <>
      <h3>Safeguarding</h3>
      {!seesAlerts && <p>Your role does not see safeguarding alerts.</p>}
      {seesAlerts && items.length === 0 && <p>No safeguarding alerts or enquiries are recorded.</p>}
      {items.length > 0 && (
        <DataTable captionHidden caption="Safeguarding alerts and enquiries" columns={['What', 'Status', 'When', 'Source']} rows={items.map((item) => ({
          key: `${item.resourceType}/${item.id}`,
          cells: item.resourceType === 'Flag'
            ? [<><span className="nhsuk-u-font-weight-bold">{conceptText(item.category?.[0]) ?? 'Alert'}</span><br />{conceptText(item.code)}</>,
              codeInWords(item.status), period(item.period), <ItemSources resource={item} />]
            : [<><span className="nhsuk-u-font-weight-bold">{conceptText(item.code)}</span>{item.reasonCode && <><br />{conceptText(item.reasonCode)}</>}</>,
              codeInWords(item.status), item.authoredOn ? dateInWords(item.authoredOn) : 'Not recorded', <ItemSources resource={item} />],
        }))} />
      )}
    </>
  );
}

const fromCouncil = (r: Resource) => !hasCode((r as Flag).category, 'accessible-information');

export function SocialCareTab({ record, directory, categories }: { record: ConsolidatedRecord; directory: Directory; categories: readonly string[] }) {
  // Only the council's own events (CLD); event notifications to teams belong to the inbox.
  const tasks = ofType<Task>(record, 'Task').filter((t) => t.code?.coding?.some((c) => c.system?.endsWith('cld-event-type')));
  const enquiry = (t: Task) => hasCode(t.code ? [t.code] : [], 'safeguarding-enquiry');
  const services = ofType<ServiceRequest>(record, 'ServiceRequest');
  return (
    <>
      <h2>Social care</h2>
      <CaseSection episodes={ofType<EpisodeOfCare>(record, 'EpisodeOfCare')} reasons={ofType<Condition>(record, 'Condition').filter(isPrimarySupportReason)} directory={directory} />
      <TeamSection teams={ofType<CareTeam>(record, 'CareTeam')} directory={directory} />
      <ServicesSection services={services} devices={ofType<Device>(record, 'Device')} directory={directory} />
      <CarersSection people={ofType<RelatedPerson>(record, 'RelatedPerson')} />
      <ReviewsSection tasks={tasks.filter((t) => !enquiry(t))} />
      <SafeguardingSection flags={ofType<Flag>(record, 'Flag').filter(fromCouncil)} enquiries={tasks.filter(enquiry)} seesAlerts={categories.includes('alerts')} />
    </>
  );
}

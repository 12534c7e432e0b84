// "Your health and care record": what the services that look after the person have recorded about
// them, in plain words, from the consolidated record of all their linked records. No codes, no
// jargon, dates in words; current things first, past ones folded away.
import type { ReactNode } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { useLoad } from '../../lib/use-fhir.ts';
import { healthItems, type HealthItem } from './health-items.ts';
import { loadMyRecord } from './my-record.ts';
import { dateInWords } from './plain-dates.ts';
import { personName } from './plain-words.ts';
import { whoLooksAfterYou, type Contact, type CareService } from './who-looks-after-you.ts';
import { NHS_NUMBER_SYSTEM as NHS_NUMBER } from '../../../../src/fhir/systems.ts';


const spaced = (nhsNumber: string): string => nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3');

function Rows({ rows, label }: { rows: Array<{ key: string; name: string; lines: ReactNode[] }>; label: string }) {
  return (
    <dl className="nhsuk-summary-list" aria-label={label}>
      {rows.map((row) => (
        <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions" key={row.key}>
          <dt className="nhsuk-summary-list__key">{row.name}</dt>
          <dd className="nhsuk-summary-list__value">
            {row.lines.map((line, i) => <p className="nhsuk-body-s nhsuk-u-margin-bottom-1" key={i}>{line}</p>)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function contactRows(contacts: readonly Contact[]) {
  return contacts.map((c) => ({ key: c.name, name: c.name, lines: [c.detail, c.address, c.phone && `Phone: ${c.phone}`].filter(Boolean) as string[] }));
}

function serviceRows(services: readonly CareService[]) {
  return services.map((s, i) => ({
    key: `${s.what}-${i}`,
    name: s.what,
    lines: [s.provider && `Provided by ${s.provider}`, s.when && `${s.current ? 'Arranged' : 'Was arranged'} ${s.when}`, s.current ? 'Current' : 'Ended'].filter(Boolean) as string[],
  }));
}

const itemRows = (items: readonly HealthItem[]) => items.map((item) => ({ key: item.key, name: item.what, lines: item.details }));

function Part({ title, contacts, empty }: { title: string; contacts: Array<{ key: string; name: string; lines: ReactNode[] }>; empty: string }) {
  return (
    <>
      <h3>{title}</h3>
      {contacts.length > 0 ? <Rows rows={contacts} label={title} /> : <p>{empty}</p>}
    </>
  );
}

/** How a long list folds: past items, or all but the latest few, go into a details element. */
type Fold = { label: string; keep: 'current' | 'latest'; noneCurrent?: string };
const LATEST = 5;

function Items({ title, items, empty, fold }: { title: string; items: readonly HealthItem[]; empty: string; fold?: Fold }) {
  const kept = (item: HealthItem, index: number) => !fold || (fold.keep === 'current' ? item.current : index < LATEST);
  const shown = items.filter(kept);
  const folded = items.filter((item, index) => !kept(item, index));
  const id = `${title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {shown.length > 0 ? <Rows rows={itemRows(shown)} label={title} /> : <p>{items.length > 0 ? fold?.noneCurrent ?? empty : empty}</p>}
      {fold && folded.length > 0 && (
        <details className="nhsuk-details">
          <summary className="nhsuk-details__summary"><span className="nhsuk-details__summary-text">{fold.label} ({folded.length})</span></summary>
          <div className="nhsuk-details__text"><Rows rows={itemRows(folded)} label={fold.label} /></div>
        </details>
      )}
    </section>
  );
}

export function MyRecordPage({ patientId }: { patientId: string }) {
  const [loaded] = useLoad(() => loadMyRecord(patientId), [patientId]);
  if (loaded.state === 'loading') return <><h1>Your health and care record</h1><Loading what="your record" /></>;
  if (loaded.state === 'failed') return <><h1>Your health and care record</h1><Problem error={loaded.error} /></>;
  const { patient, resources, organisations } = loaded.data;
  const who = whoLooksAfterYou(resources, organisations);
  const health = healthItems(resources, organisations);
  const nhsNumber = patient?.identifier?.find((i) => i.system === NHS_NUMBER)?.value;
  const born = dateInWords(patient?.birthDate);
  return (
    <>
      <h1>Your health and care record</h1>
      <p className="nhsuk-lede-text">
        {personName(patient?.name) ?? 'Your record'}
        {born ? `, born ${born}` : ''}
        {nhsNumber ? `. NHS number ${spaced(nhsNumber)}` : ''}
      </p>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>This is what your GP, hospitals and council have recorded about you, put together in one place. If something is wrong, tell the service that looks after you.</p>
      </div>
      <section aria-labelledby="who-heading">
        <h2 id="who-heading">Who looks after you</h2>
        <Part title="GP practice" contacts={contactRows(who.gpPractices)} empty="No GP practice is recorded." />
        <Part title="Social care" contacts={contactRows(who.socialCare)} empty="No social care team is working with you." />
        <Part title="Care services" contacts={serviceRows(who.services)} empty="No care services are arranged for you." />
        <Part title="Carers and family" contacts={contactRows(who.carers)} empty="No carers or family contacts are recorded." />
      </section>
      <Items title="Your medicines" items={health.medicines} empty="No medicines are recorded." fold={{ label: 'Past medicines', keep: 'current', noneCurrent: 'No current medicines are recorded.' }} />
      <Items title="Allergies" items={health.allergies} empty="No allergies are recorded." />
      <Items title="Health conditions" items={health.conditions} empty="No health conditions are recorded." fold={{ label: 'Past health conditions', keep: 'current', noneCurrent: 'No current health conditions are recorded.' }} />
      <Items title="Hospital and other visits" items={health.visits} empty="No visits are recorded." fold={{ label: 'Earlier visits', keep: 'latest' }} />
      <Items title="Vaccinations" items={health.vaccinations} empty="No vaccinations are recorded." fold={{ label: 'Earlier vaccinations', keep: 'latest' }} />
    </>
  );
}

// The alerts a practitioner must see before anything else: a CP-IS child protection or looked-after
// plan with the council's numbers, active safeguarding and risk flags, and allergies. Each says
// where it came from; what the role may not see is said, never implied to be absent.
import type { AllergyIntolerance, CareTeam, Flag } from '@medplum/fhirtypes';
import type { ReactNode } from 'react';
import type { ConsolidatedRecord } from './consolidated-record.ts';
import { ofType } from './consolidated-record.ts';
import { conceptText, dateInWords } from './person-format.ts';
import { reportedByOf } from './provenance.ts';
import { sourceName } from './source-name.ts';

const SNOMED = 'http://snomed.info/sct';
/** CP-IS plan types (child protection, looked after, unborn child protection): shown from $cpis. */
const CPIS_CODES = new Set(['342191000000101', '764841000000100', '818901000000100']);

/** What the banner may say: the caller's categories, and the CP-IS answer (`failed` when it could not be asked). */
export interface AlertsInput {
  record: ConsolidatedRecord;
  categories: readonly string[];
  cpis: CareTeam[] | 'failed' | undefined;
}

function cpisLine(plan: CareTeam): ReactNode {
  const phone = (use: string) => plan.telecom?.find((t) => t.system === 'phone' && t.use === use)?.value;
  const council = plan.managingOrganization?.[0]?.display ?? plan.name;
  return (
    <>
      <strong>{plan.status === 'active' ? 'Child protection (CP-IS)' : 'Recently ended plan (CP-IS)'}</strong>: {conceptText(plan.category?.[0])}
      {plan.period?.start && <> since {dateInWords(plan.period.start)}</>}
      {plan.period?.end && <>, ended {dateInWords(plan.period.end)}</>}
      {council && <>. Responsible council: {council}</>}
      {phone('work') && <>. Office hours: {phone('work')}</>}
      {phone('mobile') && <>. Out of hours: {phone('mobile')}</>}
    </>
  );
}

const isCpisFlag = (flag: Flag) => flag.code.coding?.some((c) => c.system === SNOMED && CPIS_CODES.has(c.code ?? '')) ?? false;
const isCommunicationNeed = (flag: Flag) => flag.category?.some((c) => c.coding?.some((x) => x.code === 'accessible-information')) ?? false;

function flagLine(flag: Flag): ReactNode {
  const what = conceptText(flag.category?.[0]) ?? 'Alert';
  const detail = conceptText(flag.code);
  const source = reportedByOf(flag).map((r) => sourceName(r.source)).join(', ');
  return (
    <>
      <strong>{what}</strong>{detail && detail !== what ? `: ${detail}` : ''} ({source}{flag.period?.start ? `, since ${dateInWords(flag.period.start)}` : ''})
    </>
  );
}

const isActiveAllergy = (a: AllergyIntolerance) => {
  const status = a.clinicalStatus?.coding?.[0]?.code;
  return (status === undefined || status === 'active') && a.verificationStatus?.coding?.[0]?.code !== 'entered-in-error';
};

/** The alert lines, and what could not be checked. */
function alertLines({ record, categories, cpis }: AlertsInput): { lines: Array<[string, ReactNode]>; unchecked: string[] } {
  const lines: Array<[string, ReactNode]> = [];
  const unchecked: string[] = [];
  if (Array.isArray(cpis)) cpis.forEach((plan, i) => lines.push([`cpis-${i}`, cpisLine(plan)]));
  if (cpis === 'failed') unchecked.push('CP-IS child protection plans could not be checked just now');
  if (!categories.includes('alerts')) unchecked.push('your role does not see alerts (child protection and safeguarding)');
  const flags = ofType<Flag>(record, 'Flag').filter((f) => f.status === 'active' && !isCommunicationNeed(f) && (cpis === 'failed' || !isCpisFlag(f)));
  for (const flag of flags) lines.push([`flag-${flag.id}`, flagLine(flag)]);
  if (categories.includes('allergies')) {
    const allergies = ofType<AllergyIntolerance>(record, 'AllergyIntolerance').filter(isActiveAllergy);
    if (allergies.length > 0) {
      const names = allergies.map((a) => conceptText(a.code) ?? 'Unnamed substance').join(', ');
      lines.push(['allergies', <><strong>Allergies ({allergies.length})</strong>: {names}</>]);
    }
  } else {
    unchecked.push('your role does not see allergies');
  }
  return { lines, unchecked };
}

export function AlertsBanner(input: AlertsInput) {
  const { lines, unchecked } = alertLines(input);
  const note = unchecked.length > 0 && <p className="nhsuk-body-s">Not shown: {unchecked.join('; ')}.</p>;
  if (lines.length === 0) {
    return (
      <section className="nhsuk-inset-text sc-alerts" aria-labelledby="alerts-heading">
        <h2 id="alerts-heading" className="nhsuk-heading-s">Alerts</h2>
        <p>No child protection plan, safeguarding alert or allergy is recorded in the parts of the record you can see.</p>
        {note}
      </section>
    );
  }
  return (
    <section className="nhsuk-warning-callout sc-alerts" aria-labelledby="alerts-heading">
      <h2 className="nhsuk-warning-callout__label" id="alerts-heading">
        <span role="text"><span className="nhsuk-u-visually-hidden">Important: </span>Alerts</span>
      </h2>
      <ul>
        {lines.map(([key, line]) => <li key={key}>{line}</li>)}
      </ul>
      {note}
    </section>
  );
}

// "Who has looked at your record": every access to the person's records that the audit trail holds
// (it is searchable by the person: docs/governance/audit.md), newest first, in plain words: who,
// when, what they looked at and why they could. The person's own visits are left out.
import type { AuditEvent, Bundle, Organization } from '@medplum/fhirtypes';
import { useState } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { fhir, matches } from '../../lib/fhir.ts';
import { currentSession } from '../../lib/session.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { accessOf, subjectOfToken, type Access } from './access-history.ts';
import { momentInWords } from './plain-dates.ts';

const PAGE_SIZE = 100;

interface AccessPage {
  accesses: Access[];
  /** Names of the organisations these accesses name, by code. */
  organisations: Map<string, string>;
  /** The next page's path under /fhir, when there are older events. */
  next?: string;
}

async function loadAccesses(path: string, ownSubject: string | undefined): Promise<AccessPage> {
  const bundle = await fhir<Bundle>(path);
  const accesses = matches<AuditEvent>(bundle).map(accessOf).filter((a) => !ownSubject || a.subject !== ownSubject);
  const next = bundle.link?.find((l) => l.relation === 'next')?.url?.split('/fhir/')[1];
  const organisations = await organisationNames([...new Set(accesses.map((a) => a.organisationCode).filter((c): c is string => !!c))]);
  return { accesses, organisations, ...(next ? { next } : {}) };
}

/** The organisations' names by the codes the accesses name (ODS codes, a council's GSS code). */
async function organisationNames(codes: readonly string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (codes.length === 0) return names;
  const bundle = await fhir<Bundle>(`Organization?identifier=${codes.map(encodeURIComponent).join(',')}&_count=${codes.length * 2}`);
  for (const org of matches<Organization>(bundle)) {
    for (const id of org.identifier ?? []) if (id.value && codes.includes(id.value) && org.name) names.set(id.value, org.name);
  }
  return names;
}

function AccessRow({ access, organisations }: { access: Access; organisations: ReadonlyMap<string, string> }) {
  const organisation = access.organisationCode ? organisations.get(access.organisationCode) ?? access.organisationCode : undefined;
  return (
    <tr className="nhsuk-table__row">
      <td className="nhsuk-table__cell">{momentInWords(access.when)}</td>
      <td className="nhsuk-table__cell">
        <strong>{access.who}</strong>
        {[access.role, organisation].filter(Boolean).map((line) => <span className="nhsuk-u-display-block" key={line}>{line}</span>)}
      </td>
      <td className="nhsuk-table__cell">
        {access.what}
        {access.outcome === 'refused' && <span className="nhsuk-u-display-block"><strong className="nhsuk-tag nhsuk-tag--red">Refused</strong> They were not allowed to see it.</span>}
        {access.outcome === 'failed' && <span className="nhsuk-u-display-block"><strong className="nhsuk-tag nhsuk-tag--grey">Did not finish</strong></span>}
      </td>
      <td className="nhsuk-table__cell">
        {access.why}
        {access.reason && <span className="nhsuk-u-display-block">Reason they gave: “{access.reason}”</span>}
      </td>
    </tr>
  );
}

export function ViewsPage() {
  const session = currentSession();
  const ownSubject = session ? subjectOfToken(session.accessToken) : undefined;
  const [older, setOlder] = useState<AccessPage[]>([]);
  const [loadingOlder, setLoadingOlder] = useState<Error | 'loading'>();
  const [loaded] = useLoad(() => loadAccesses(`AuditEvent?_count=${PAGE_SIZE}`, ownSubject), [ownSubject]);

  const heading = <h1>Who has looked at your record</h1>;
  if (loaded.state === 'loading') return <>{heading}<Loading what="the list of who has looked at your record" /></>;
  if (loaded.state === 'failed') return <>{heading}<Problem error={loaded.error} /></>;
  const pages = [loaded.data, ...older];
  const accesses = pages.flatMap((p) => p.accesses);
  const organisations = new Map(pages.flatMap((p) => [...p.organisations]));
  const next = pages.at(-1)?.next;
  const showOlder = async () => {
    setLoadingOlder('loading');
    try {
      const page = await loadAccesses(next!, ownSubject);
      setOlder((o) => [...o, page]);
      setLoadingOlder(undefined);
    } catch (err) {
      setLoadingOlder(err as Error);
    }
  };
  return (
    <>
      {heading}
      <p className="nhsuk-lede-text">Every time someone opens your record in sharedcare it is written down. Here is who did, when, and why they could.</p>
      <p>Your own visits are not listed. If you think someone looked at your record without a good reason, contact the privacy officer of the organisation named.</p>
      {accesses.length === 0 ? (
        <p>Nobody else has looked at your record yet.</p>
      ) : (
        <div className="nhsuk-table-responsive">
          <table className="nhsuk-table">
            <caption className="nhsuk-table__caption">Who has looked at your record, newest first</caption>
            <thead className="nhsuk-table__head">
              <tr className="nhsuk-table__row">
                <th scope="col" className="nhsuk-table__header">When</th>
                <th scope="col" className="nhsuk-table__header">Who</th>
                <th scope="col" className="nhsuk-table__header">What they looked at</th>
                <th scope="col" className="nhsuk-table__header">Why they could</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {accesses.map((a) => <AccessRow access={a} organisations={organisations} key={a.id} />)}
            </tbody>
          </table>
        </div>
      )}
      {loadingOlder instanceof Error && <Problem error={loadingOlder} />}
      {next && (
        <button className="nhsuk-button nhsuk-button--secondary" type="button" disabled={loadingOlder === 'loading'} onClick={() => void showOlder()}>
          Show earlier
        </button>
      )}
    </>
  );
}

// The people a search found, one row per person however many systems hold a record of them: name
// (a link to the record), NHS number, date of birth, postcode and where their records come from.
import { useEffect, useRef } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { DataTable } from '../record/data-table.tsx';
import { dateInWords, nhsIdentifierOf, personName, postcodeOf, formatNhsNumber } from '../record/person-format.ts';
import { reportedByOf } from '../record/provenance.ts';
import { sourceName } from '../record/source-name.ts';
import { searchPeople, type FoundPerson, type PersonQuery } from './person-search.ts';

function describeQuery(query: PersonQuery): string {
  if ('nhsNumber' in query) return `NHS number ${formatNhsNumber(query.nhsNumber)}`;
  return `${query.given ? `${query.given} ` : ''}${query.family}, born ${dateInWords(query.birthDate)}`;
}

function sourcesOf(person: FoundPerson): string[] {
  return [...new Set(person.records.flatMap((r) => reportedByOf(r).map((x) => sourceName(x.source))))];
}

export function SearchResults({ query }: { query: PersonQuery }) {
  const [loaded] = useLoad(() => searchPeople(query), [JSON.stringify(query)]);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (loaded.state === 'ready') heading.current?.focus();
  }, [loaded.state]);
  if (loaded.state === 'loading') return <Loading what="people" />;
  if (loaded.state === 'failed') return <Problem error={loaded.error} title="The search did not work" />;
  const people = loaded.data;
  return (
    <section aria-labelledby="results-heading" id="results">
      <h2 id="results-heading" tabIndex={-1} ref={heading}>
        {people.length === 0 ? 'No one found' : `${people.length} ${people.length === 1 ? 'person' : 'people'} found`}
      </h2>
      {people.length === 0 ? (
        <p>No one was found with {describeQuery(query)}. Check the details and try again, or search another way.</p>
      ) : (
        <DataTable
          caption={`Search results for ${describeQuery(query)}`}
          columns={['Name', 'NHS number', 'Date of birth', 'Postcode', 'Records from']}
          rows={people.map((p) => {
            const nhs = p.records.map(nhsIdentifierOf).find(Boolean)?.value;
            return {
              key: p.key,
              cells: [
                <a href={`/record/Patient/${encodeURIComponent(p.best.id!)}`} onClick={followLink}>{personName(p.best.name)}</a>,
                nhs ? formatNhsNumber(nhs) : 'Not recorded',
                dateInWords(p.best.birthDate),
                p.records.map((r) => postcodeOf(r.address)).find(Boolean) ?? 'Not recorded',
                <ul className="nhsuk-list nhsuk-u-margin-bottom-0">{sourcesOf(p).map((s) => <li key={s} className="nhsuk-u-margin-bottom-1">{s}</li>)}</ul>,
              ],
            };
          })}
        />
      )}
    </section>
  );
}

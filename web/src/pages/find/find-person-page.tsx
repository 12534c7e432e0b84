// Finding a person (`/` for staff who care for people, and `/find`): by NHS number or by name and
// date of birth. The search lives in the address (/find?nhsNumber=…), so results survive going back
// from a record and can be bookmarked.
import { navigate, useLocation } from '../../lib/router.ts';
import { formatNhsNumber } from '../record/person-format.ts';
import type { DateParts } from './date-of-birth.ts';
import type { PersonQuery } from './person-search.ts';
import { NameSearch, NhsNumberSearch } from './search-forms.tsx';
import { SearchResults } from './search-results.tsx';

function queryOf(search: URLSearchParams): PersonQuery | undefined {
  const nhsNumber = search.get('nhsNumber');
  if (nhsNumber) return { nhsNumber };
  const family = search.get('family');
  const birthDate = search.get('birthDate');
  const given = search.get('given');
  if (family && birthDate) return { family, birthDate, ...(given ? { given } : {}) };
  return undefined;
}

function addressOf(query: PersonQuery): string {
  const params = new URLSearchParams('nhsNumber' in query ? { nhsNumber: query.nhsNumber } : { family: query.family, ...(query.given ? { given: query.given } : {}), birthDate: query.birthDate });
  return `/find?${params}`;
}

function birthParts(birthDate: string | undefined): DateParts {
  const m = birthDate && /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1]! } : { day: '', month: '', year: '' };
}

export function FindPersonPage(_props: { path: string }) {
  const location = useLocation();
  const query = queryOf(new URLSearchParams(location.includes('?') ? location.slice(location.indexOf('?')) : ''));
  const search = (q: PersonQuery) => navigate(addressOf(q));
  const byName = query && !('nhsNumber' in query) ? query : undefined;
  return (
    <>
      <h1>Find a person</h1>
      <p className="nhsuk-lede-text">Search for the person whose shared care record you need. Every record you open is recorded.</p>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <NhsNumberSearch key={query && 'nhsNumber' in query ? query.nhsNumber : ''} initial={query && 'nhsNumber' in query ? formatNhsNumber(query.nhsNumber) : ''} onSearch={search} />
        </div>
        <div className="nhsuk-grid-column-one-half">
          <NameSearch key={byName ? addressOf(byName) : ''} initial={{ family: byName?.family ?? '', given: byName?.given ?? '', birth: birthParts(byName?.birthDate) }} onSearch={search} />
        </div>
      </div>
      {query && <SearchResults key={addressOf(query)} query={query} />}
    </>
  );
}

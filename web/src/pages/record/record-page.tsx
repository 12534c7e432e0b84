// /record/Patient/{id} (and /record/Person/{id}, which opens the person's first linked record): the
// access decision first; then either the record or the choice of how to get access. The container's
// aria-busy and data-ready say when the record is readable (the viewer benchmark waits on them).
import type { Person } from '@medplum/fhirtypes';
import { useEffect, useState } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { fhir, FhirProblem } from '../../lib/fhir.ts';
import { followLink, matchPath, navigate, useLocation } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { AccessChoice } from './access-choice.tsx';
import { loadRecordPage } from './load-record.ts';
import { RecordView } from './record-view.tsx';

function NotFound() {
  return (
    <>
      <h1>No record found</h1>
      <p>There is no record at this address. It may have been merged with another record of the same person.</p>
      <p><a href="/find" onClick={followLink}>Find a person</a></p>
    </>
  );
}

function PatientRecord({ id, askedTab }: { id: string; askedTab: string | undefined }) {
  const [loaded, reload] = useLoad(() => loadRecordPage(id), [id]);
  // After a claim or a consent the page is replaced: focus goes to its heading, not to the top of the document.
  const [answered, setAnswered] = useState(false);
  const data = loaded.state === 'ready' ? loaded.data : undefined;
  return (
    <div id="record" aria-busy={loaded.state === 'loading'} data-ready={data?.kind === 'record'} data-view={data?.kind ?? loaded.state}>
      {loaded.state === 'loading' && <><h1>Shared care record</h1><Loading what="the record" /></>}
      {loaded.state === 'failed' && (loaded.error instanceof FhirProblem && loaded.error.status === 404
        ? <NotFound />
        : <><h1>Shared care record</h1><Problem error={loaded.error} title="The record could not be shown" /></>)}
      {data?.kind === 'record' && <RecordView basePath={`/record/Patient/${encodeURIComponent(id)}`} data={data} askedTab={askedTab} focusHeading={answered} />}
      {data?.kind === 'choice' && <AccessChoice data={data} onDone={() => { setAnswered(true); reload(); }} />}
    </div>
  );
}

/** A person opens as their first linked source record: relationships and the consolidated record span them all. */
function PersonRecord({ id, search }: { id: string; search: string }) {
  const [loaded] = useLoad(() => fhir<Person>(`Person/${encodeURIComponent(id)}`), [id]);
  const target = loaded.state === 'ready' ? loaded.data.link?.find((l) => l.target.reference?.startsWith('Patient/'))?.target.reference : undefined;
  useEffect(() => {
    if (target) navigate(`/record/${target}${search}`, { replace: true });
  }, [target, search]);
  if (loaded.state === 'failed') return loaded.error instanceof FhirProblem && loaded.error.status === 404 ? <NotFound /> : <Problem error={loaded.error} />;
  if (loaded.state === 'ready' && !target) return <NotFound />;
  return <><h1>Shared care record</h1><Loading what="the record" /></>;
}

export function RecordPage({ path }: { path: string }) {
  const location = useLocation();
  const search = location.includes('?') ? location.slice(location.indexOf('?')) : '';
  const params = matchPath('/record/:type/:id', path);
  if (params?.type === 'Patient') return <PatientRecord key={params.id} id={params.id!} askedTab={new URLSearchParams(search).get('tab') ?? undefined} />;
  if (params?.type === 'Person') return <PersonRecord id={params.id!} search={search} />;
  return <NotFound />;
}

// What a link from a case-management system asks the viewer to open: a SMART EHR launch
// (`?iss=<FHIR base>&launch=<id>`) or a signed launch link (`?token=<JWT>`). A SMART launch must name
// this server's own FHIR base as `iss`: a link made for another server is refused, never followed.
// See: https://hl7.org/fhir/smart-app-launch/app-launch.html#step-1-launch-app-ehr-launch
export type LaunchLink = { ok: true; launch: string } | { ok: false; message: string };

const AGAIN = 'Open the record again from your case-management system.';

export function launchFrom(search: URLSearchParams, origin: string): LaunchLink {
  const token = search.get('token');
  if (token) return { ok: true, launch: token };
  const launch = search.get('launch');
  const iss = search.get('iss');
  if (!launch) return { ok: false, message: `This link does not say which record to open. ${AGAIN}` };
  if (!iss) return { ok: false, message: `This link does not say which record service it is for (iss). ${AGAIN}` };
  if (iss.replace(/\/+$/, '') !== `${origin}/fhir`) {
    return { ok: false, message: `This link was made for another record service (${iss}), not this one, so it was not opened. Ask your system's supplier to check its settings.` };
  }
  return { ok: true, launch };
}

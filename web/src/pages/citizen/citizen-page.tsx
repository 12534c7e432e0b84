// The citizen's own area: their record (/me, and their home page), who has looked at it (/me/views)
// and their data choices (/me/choices). Only a citizen has one; their record is the one their
// sign-in named, never one chosen by the address. The server enforces the same.
import { useEffect } from 'react';
import { isCitizen } from '../../lib/roles.ts';
import { followLink, navigate } from '../../lib/router.ts';
import { currentSession } from '../../lib/session.ts';
import { ChoicesPage } from './choices-page.tsx';
import { MyRecordPage } from './my-record-page.tsx';
import { ViewsPage } from './views-page.tsx';

function NotAvailable() {
  return (
    <>
      <h1>This page is not available</h1>
      <p>You can only see your own record. It is on the <a href="/me" onClick={followLink}>My record</a> page.</p>
    </>
  );
}

/** A citizen who follows a staff link to their own record is taken to theirs; any other is not available. */
function OwnRecordRedirect() {
  useEffect(() => navigate('/me', { replace: true }), []);
  return null;
}

export function CitizenPage({ path }: { path: string }) {
  const session = currentSession();
  if (!session || !isCitizen(session.user)) {
    return (
      <>
        <h1>This page is for people seeing their own record</h1>
        <p>Sign in as yourself, with your NHS login, to see your own record.</p>
      </>
    );
  }
  const patientId = session.patient;
  if (!patientId) return <NotAvailable />;
  if (path === '/' || path === '/me') return <MyRecordPage patientId={patientId} />;
  if (path === '/me/views') return <ViewsPage />;
  if (path === '/me/choices') return <ChoicesPage patientId={patientId} />;
  if (path === `/record/Patient/${encodeURIComponent(patientId)}`) return <OwnRecordRedirect />;
  return <NotAvailable />;
}

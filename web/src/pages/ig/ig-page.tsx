// The information-governance lead's home: who viewed a record, break-glass and self-claim review,
// consent refusals and weekly record views. Only Privacy Officers and Caldicott Guardians get it;
// anyone else who types the address is told so and nothing is fetched (the server refuses too).
import type { ReactNode } from 'react';
import { followLink } from '../../lib/router.ts';
import { isIgLead } from '../../lib/roles.ts';
import { currentSession } from '../../lib/session.ts';
import { ClaimsReviewPage } from './claims-review-page.tsx';
import { ConsentRefusalsPage } from './consent-refusals-page.tsx';
import { NotForYourRole } from './not-for-your-role.tsx';
import { WeeklyViewsPage } from './weekly-views-page.tsx';
import { WhoViewedPage } from './who-viewed-page.tsx';
import './ig.css';

interface SubPage {
  path: string;
  tab: string;
  title: string;
  Page: () => React.JSX.Element;
}

const SUB_PAGES: SubPage[] = [
  { path: '/ig', tab: 'Who viewed a record', title: 'Who viewed a record', Page: WhoViewedPage },
  { path: '/ig/claims', tab: 'Break glass and self-claims', title: 'Break glass and self-claim review', Page: ClaimsReviewPage },
  { path: '/ig/consent-refusals', tab: 'Consent refusals', title: 'Consent refusals', Page: ConsentRefusalsPage },
  { path: '/ig/weekly-views', tab: 'Record views by week', title: 'Record views by week', Page: WeeklyViewsPage },
];

/** NHS.UK tabs drawn as links: each sub-page is a page of its own, so no tab script is needed. */
function Tabs({ current, children }: { current: SubPage; children: ReactNode }) {
  return (
    <div className="nhsuk-frontend-supported">
      <div className="nhsuk-tabs">
        <nav aria-label="Record access reports">
          <ul className="nhsuk-tabs__list">
            {SUB_PAGES.map((sub) => (
              <li key={sub.path} className={`nhsuk-tabs__list-item${sub === current ? ' nhsuk-tabs__list-item--selected' : ''}`}>
                <a className="nhsuk-tabs__tab" href={sub.path} onClick={followLink} aria-current={sub === current ? 'page' : undefined}>{sub.tab}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="nhsuk-tabs__panel">{children}</div>
      </div>
    </div>
  );
}

export function IgPage({ path }: { path: string }) {
  const session = currentSession();
  if (!session || !isIgLead(session.user)) return <NotForYourRole what="Record access" />;
  const current = path === '/' ? SUB_PAGES[0]! : SUB_PAGES.find((sub) => sub.path === path.replace(/\/$/, ''));
  if (!current) {
    return (
      <>
        <h1>Page not found</h1>
        <p><a href="/ig" onClick={followLink}>Go to record access</a></p>
      </>
    );
  }
  return (
    <>
      <span className="nhsuk-caption-l">Record access</span>
      <h1>{current.title}</h1>
      <Tabs current={current}>
        <current.Page />
      </Tabs>
    </>
  );
}

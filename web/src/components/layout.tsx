// The page frame: NHS.UK header with the service name, the signed-in person and the links their
// role has, a skip link, and one <main> per page.
import type { ReactNode } from 'react';
import { followLink } from '../lib/router.ts';
import { caresForPeople, isCitizen, isIgLead, reviewsMatches } from '../lib/roles.ts';
import { type Session, signOut } from '../lib/session.ts';

function navLinks(session: Session): Array<[string, string]> {
  const { user } = session;
  if (isCitizen(user)) return [['/me', 'My record'], ['/me/views', 'Who has looked at my record'], ['/me/choices', 'Your data choices']];
  const links: Array<[string, string]> = [];
  if (caresForPeople(user)) links.push(['/', 'Find a person'], ['/inbox', 'Team inbox']);
  if (isIgLead(user)) links.push(['/ig', 'Record access']);
  if (reviewsMatches(user)) links.push(['/matching', 'Matching review']);
  return links;
}

export function Layout({ session, children }: { session: Session | undefined; children: ReactNode }) {
  return (
    <>
      <a className="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
      <header className="nhsuk-header" role="banner">
        <div className="nhsuk-header__container nhsuk-width-container">
          <div className="nhsuk-header__service">
            <a className="nhsuk-header__service-logo" href="/" onClick={followLink} aria-label="sharedcare homepage">
              <span className="nhsuk-header__service-name">sharedcare</span>
            </a>
          </div>
          {session && (
            <nav className="nhsuk-header__account" aria-label="Account">
              <ul className="nhsuk-header__account-list">
                <li className="nhsuk-header__account-item">
                  {session.user.name}
                  {session.user.roleName ? `, ${session.user.roleName}` : ''}
                  {session.user.orgCode ? ` (${session.user.orgCode})` : ''}
                </li>
                <li className="nhsuk-header__account-item">
                  <a className="nhsuk-header__account-link" href="/" onClick={() => signOut()}>Sign out</a>
                </li>
              </ul>
            </nav>
          )}
        </div>
        {session && (
          <nav className="nhsuk-header__navigation" aria-label="Menu">
            <div className="nhsuk-header__navigation-container nhsuk-width-container">
              <ul className="nhsuk-header__navigation-list">
                {navLinks(session).map(([href, label]) => (
                  <li className="nhsuk-header__navigation-item" key={href}>
                    <a className="nhsuk-header__navigation-link" href={href} onClick={followLink}>{label}</a>
                  </li>
                ))}
              </ul>
            </div>
          </nav>
        )}
      </header>
      <div className="nhsuk-width-container">
        <main className="nhsuk-main-wrapper" id="maincontent" tabIndex={-1}>
          {children}
        </main>
      </div>
      <footer className="nhsuk-footer" role="contentinfo">
        <div className="nhsuk-width-container">
          <p className="nhsuk-body-s">sharedcare: every view of a record is recorded. Synthetic demo data only.</p>
        </div>
      </footer>
    </>
  );
}

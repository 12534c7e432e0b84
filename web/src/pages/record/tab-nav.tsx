// The record's tabs as NHS.UK tabs made of links: each tab has its own address (?tab=…), so it can
// be bookmarked, shared, opened in a new browser tab and reached with the keyboard like any link.
import type { ReactNode } from 'react';
import { followLink } from '../../lib/router.ts';
import type { RecordTab } from './record-tabs.ts';

export function TabNav({ basePath, tabs, selected, children }: { basePath: string; tabs: readonly RecordTab[]; selected: string; children: ReactNode }) {
  return (
    // NHS.UK frontend styles its tabs as tabs under this class (which its script would add to <body>).
    <div className="nhsuk-frontend-supported">
      <div className="nhsuk-tabs">
        <h2 className="nhsuk-tabs__title">Contents</h2>
        <ul className="nhsuk-tabs__list" aria-label="Parts of the record">
          {tabs.map((tab) => {
            const isSelected = tab.id === selected;
            return (
              <li className={`nhsuk-tabs__list-item${isSelected ? ' nhsuk-tabs__list-item--selected' : ''}`} key={tab.id}>
                <a className="nhsuk-tabs__tab" href={`${basePath}?tab=${tab.id}`} aria-current={isSelected ? 'page' : undefined} onClick={followLink}>
                  {tab.label}
                </a>
              </li>
            );
          })}
        </ul>
        <div className="nhsuk-tabs__panel" id="record-tab-panel">
          {children}
        </div>
      </div>
    </div>
  );
}

// The record once the caller may see it: whose it is, the alerts, then the tabs their role has.
// A tab the role lacks is not offered; asked for by address it is refused here, with no request.
import { useEffect, useRef } from 'react';
import { CarePlanTab } from './care-plan-tab.tsx';
import { AlertsBanner } from './alerts-banner.tsx';
import { AllergiesTab } from './allergies-tab.tsx';
import { ConditionsTab } from './conditions-tab.tsx';
import type { RecordData } from './load-record.ts';
import { MedicationsTab } from './medications-tab.tsx';
import { personName } from './person-format.ts';
import { RecordHeader } from './record-header.tsx';
import { RECORD_TABS, isTabId, tabsFor, type TabId } from './record-tabs.ts';
import { SocialCareTab } from './social-care-tab.tsx';
import { TabNav } from './tab-nav.tsx';
import { VisitsTab } from './visits-tab.tsx';

const BASIS_WORDS: Readonly<Record<string, string>> = {
  'episode-of-care': 'your organisation has an open case for them',
  'care-team': 'your organisation is part of their care team',
  referral: 'they have been referred to your organisation',
  encounter: 'they are attending, or recently attended, your organisation',
  registration: 'they are registered with your practice',
  'self-claimed': 'you recorded a legitimate relationship',
  'break-glass': 'you used emergency access (break glass); this is reviewed',
};

function TabContent({ tab, data }: { tab: TabId; data: RecordData }) {
  const { record } = data;
  switch (tab) {
    case 'social-care': return <SocialCareTab record={record} directory={data.directory} categories={data.access.categories} />;
    case 'medications': return <MedicationsTab record={record} />;
    case 'allergies': return <AllergiesTab record={record} />;
    case 'conditions': return <ConditionsTab record={record} />;
    case 'visits': return <VisitsTab record={record} />;
    case 'care-plans': return <CarePlanTab patientIds={record.patients.map((p) => p.id!)} />;
  }
}

function NotForYourRole({ tab }: { tab: TabId }) {
  const label = RECORD_TABS.find((t) => t.id === tab)!.label;
  return (
    <>
      <h2>{label}</h2>
      <p>This information is not available to your role.</p>
      <p>Each role sees only the parts of a record it needs. If you need to see this, ask your information governance lead.</p>
    </>
  );
}

export function RecordView({ basePath, data, askedTab, focusHeading = false }: { basePath: string; data: RecordData; askedTab: string | undefined; focusHeading?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusHeading) heading.current?.focus();
  }, [focusHeading]);
  const tabs = tabsFor(data.access.categories);
  const refused = isTabId(askedTab) && !tabs.some((t) => t.id === askedTab) ? askedTab : undefined;
  const selected = tabs.find((t) => t.id === askedTab)?.id ?? tabs[0]?.id;
  const why = data.access.bases.map((b) => BASIS_WORDS[b]).filter(Boolean);
  return (
    <>
      <h1 className="nhsuk-u-margin-bottom-2" tabIndex={-1} ref={heading}>{personName(data.record.patients[0]?.name)}</h1>
      {why.length > 0 && <p className="nhsuk-body-s sc-source">You can see this record because {why.join(', and ')}.</p>}
      <RecordHeader record={data.record} />
      <AlertsBanner record={data.record} categories={data.access.categories} cpis={data.cpis} />
      {tabs.length === 0 && !refused && <p>No parts of the record are available to your role beyond who the person is.</p>}
      {(tabs.length > 0 || refused) && (
        <TabNav basePath={basePath} tabs={tabs} selected={refused ?? selected ?? ''}>
          {refused ? <NotForYourRole tab={refused} /> : selected && <TabContent tab={selected} data={data} />}
        </TabNav>
      )}
    </>
  );
}

// The record's tabs and the data category each needs (src/governance/policy/categories.ts): a tab
// whose category the role lacks is not offered at all, and asking for it by URL is refused here
// before any request, as the server would refuse its data anyway.

export const TAB_IDS = ['social-care', 'medications', 'allergies', 'conditions', 'visits', 'care-plans'] as const;
export type TabId = (typeof TAB_IDS)[number];

export interface RecordTab {
  id: TabId;
  label: string;
  /** The category whose resource types the tab shows. */
  category: string;
}

export const RECORD_TABS: readonly RecordTab[] = [
  // EpisodeOfCare, CareTeam, RelatedPerson, ServiceRequest, Task…
  { id: 'social-care', label: 'Social care', category: 'social-care' },
  // MedicationRequest, MedicationStatement
  { id: 'medications', label: 'Medications', category: 'medications' },
  { id: 'allergies', label: 'Allergies', category: 'allergies' },
  { id: 'conditions', label: 'Conditions', category: 'conditions' },
  // Encounter
  { id: 'visits', label: 'Visits', category: 'visits' },
  { id: 'care-plans', label: 'Care plans', category: 'social-care' },
];

export const isTabId = (value: string | undefined): value is TabId => TAB_IDS.includes(value as TabId);

/** The tabs a role with these categories sees, in order. */
export function tabsFor(categories: readonly string[]): RecordTab[] {
  return RECORD_TABS.filter((t) => categories.includes(t.category));
}

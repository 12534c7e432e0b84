// Where an item came from, on every item: each source system that reported it, in words, and when
// it was last updated; and, where sources disagree, every value with who said it, never one chosen.
import type { Resource } from '@medplum/fhirtypes';
import { dateInWords } from './person-format.ts';
import { conflictsOf, reportedByOf } from './provenance.ts';
import { sourceName } from './source-name.ts';

/** The sources of an item, one line each: "GP: EMIS (F84001), updated 3 June 2025". */
export function ItemSources({ resource }: { resource: Resource }) {
  const reports = reportedByOf(resource);
  return (
    <ul className="nhsuk-list sc-source nhsuk-u-margin-bottom-0">
      {reports.map((r) => (
        <li key={r.reference} className="nhsuk-u-margin-bottom-1">
          {sourceName(r.source)}
          {r.lastUpdated && <>, updated {dateInWords(r.lastUpdated)}</>}
        </li>
      ))}
    </ul>
  );
}

/**
 * An element's value, or, when the item's sources disagree on it, each value with the sources that
 * gave it ("GP: EMIS (F84001): 10 mg daily; Homerton EPR: 20 mg daily").
 */
export function Disputed({ resource, element, value, words = (v) => v }: {
  resource: Resource;
  element: string;
  value: string | undefined;
  words?: (value: string) => string;
}) {
  const conflict = conflictsOf(resource).find((c) => c.element === element);
  if (!conflict) return <>{value ? words(value) : 'Not recorded'}</>;
  return (
    <>
      <strong className="nhsuk-tag nhsuk-tag--orange">Sources differ</strong>
      <ul className="nhsuk-list nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">
        {conflict.values.map((v) => (
          <li key={v.text} className="nhsuk-u-margin-bottom-1">
            {[...new Set(v.sources.map(sourceName))].join(' and ')}: {words(v.text)}
          </li>
        ))}
      </ul>
    </>
  );
}

/** "Active" from "active", "Entered in error" from "entered-in-error". */
export function codeInWords(code: string): string {
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

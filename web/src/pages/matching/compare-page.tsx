// One candidate pair side by side: the two source records as their systems sent them, what each
// field's comparison found and weighed, the total in words, and the decision: link them, or
// record that they are not the same person (with an optional note).
import type { Patient } from '@medplum/fhirtypes';
import { Loading, Problem } from '../../components/problem.tsx';
import { fhir } from '../../lib/fhir.ts';
import { followLink } from '../../lib/router.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { formatDate, formatDateTime, formatNhsNumber } from '../ig/display-formats.ts';
import { DecisionForm } from './decision-form.tsx';
import { type Candidate, type FieldEvidence, findCandidate, type MatchSide } from './match-review.ts';
import { evidenceWords, levelWords, probabilityText, ruleWords, signedWeight, weightDirection } from './match-words.ts';
import { type SideRecord, sideRecord } from './side-record.ts';

interface Pair {
  candidate: Candidate;
  left: SideRecord;
  right: SideRecord;
}

async function readPatient(side: MatchSide): Promise<Patient | undefined> {
  // Demographics are what this role may see; if the record has gone, the match features remain.
  return fhir<Patient>(side.patient).catch(() => undefined);
}

async function loadPair(id: string): Promise<Pair | undefined> {
  const candidate = await findCandidate(id);
  if (!candidate) return undefined;
  const [left, right] = await Promise.all([readPatient(candidate.left), readPatient(candidate.right)]);
  return { candidate, left: sideRecord(candidate.left, left), right: sideRecord(candidate.right, right) };
}

function Evidence({ evidence }: { evidence: FieldEvidence | undefined }) {
  if (!evidence) return <td className="nhsuk-table__cell"><span className="sc-secondary">Not compared</span></td>;
  return (
    <td className="nhsuk-table__cell">
      {levelWords(evidence.field, evidence.level)}
      <br />
      <strong>{signedWeight(evidence.weight)}</strong> <span className="sc-secondary">{weightDirection(evidence.weight)}</span>
    </td>
  );
}

type RowKey = keyof Omit<SideRecord, 'patient'>;
const ROWS: Array<{ key: RowKey; label: string; field?: string }> = [
  { key: 'name', label: 'Name', field: 'name' },
  { key: 'birthDate', label: 'Date of birth', field: 'birthDate' },
  { key: 'nhsNumber', label: 'NHS number', field: 'nhsNumber' },
  { key: 'gender', label: 'Gender', field: 'sex' },
  { key: 'address', label: 'Address' },
  { key: 'postcode', label: 'Postcode', field: 'postcode' },
  { key: 'town', label: 'Town', field: 'town' },
  { key: 'phone', label: 'Phone', field: 'phone' },
  { key: 'email', label: 'Email', field: 'email' },
  { key: 'source', label: 'Source system' },
  { key: 'updated', label: 'Last updated' },
];

function display(key: RowKey, value: string | undefined): string {
  if (!value) return 'Not recorded';
  if (key === 'birthDate') return formatDate(value);
  if (key === 'updated') return formatDateTime(value);
  if (key === 'nhsNumber') return formatNhsNumber(value);
  return value;
}

function Comparison({ pair }: { pair: Pair }) {
  const evidence = new Map(pair.candidate.fields.map((f) => [f.field, f]));
  return (
    <table className="nhsuk-table sc-compare">
      <caption className="nhsuk-table__caption">The two records side by side</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <td className="nhsuk-table__header"><span className="nhsuk-u-visually-hidden">Detail</span></td>
          <th className="nhsuk-table__header" scope="col">Record 1</th>
          <th className="nhsuk-table__header" scope="col">Record 2</th>
          <th className="nhsuk-table__header" scope="col">What matching found</th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {ROWS.map((row) => (
          <tr className="nhsuk-table__row" key={row.key}>
            <th className="nhsuk-table__header" scope="row">{row.label}</th>
            <td className="nhsuk-table__cell">{display(row.key, pair.left[row.key])}{row.key === 'nhsNumber' && pair.left.nhsStatus && <><br /><span className="sc-secondary">{pair.left.nhsStatus}</span></>}</td>
            <td className="nhsuk-table__cell">{display(row.key, pair.right[row.key])}{row.key === 'nhsNumber' && pair.right.nhsStatus && <><br /><span className="sc-secondary">{pair.right.nhsStatus}</span></>}</td>
            {row.field ? <Evidence evidence={evidence.get(row.field)} /> : <td className="nhsuk-table__cell" />}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="row" colSpan={3}>Total match weight: the field weights, less the starting odds against any two records being one person</th>
          <td className="nhsuk-table__cell"><strong>{signedWeight(pair.candidate.weight)}</strong></td>
        </tr>
      </tfoot>
    </table>
  );
}

function Verdict({ candidate }: { candidate: Candidate }) {
  const rule = ruleWords(candidate.rule);
  return (
    <>
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p><strong>{evidenceWords(candidate.weight)}.</strong></p>
        <p>Total match weight {signedWeight(candidate.weight)}; estimated chance they are one person {probabilityText(candidate.probability)}. Each +1 of weight doubles the odds that the records are one person; each −1 halves them.</p>
      </div>
      {rule && (
        <div className="nhsuk-warning-callout">
          <h2 className="nhsuk-warning-callout__label"><span role="text"><span className="nhsuk-u-visually-hidden">Important: </span>Why a person must decide</span></h2>
          <p>{rule}</p>
        </div>
      )}
      <p className="sc-secondary">Matching’s summary: {candidate.reason}</p>
    </>
  );
}

export function ComparePage({ id }: { id: string }) {
  const [loaded] = useLoad(() => loadPair(id), [id]);
  return (
    <>
      <a className="nhsuk-back-link" href="/matching" onClick={followLink}>Back to the review queue</a>
      <h1>Are these the same person?</h1>
      {loaded.state === 'loading' && <Loading what="the two records" />}
      {loaded.state === 'failed' && <Problem error={loaded.error} />}
      {loaded.state === 'ready' && !loaded.data && <p>There is no possible match {id} in the review queue.</p>}
      {loaded.state === 'ready' && loaded.data && (
        <>
          <Verdict candidate={loaded.data.candidate} />
          <Comparison pair={loaded.data} />
          {loaded.data.candidate.status === 'open'
            ? <DecisionForm candidate={loaded.data.candidate} />
            : <AlreadyDecided candidate={loaded.data.candidate} />}
        </>
      )}
    </>
  );
}

function AlreadyDecided({ candidate }: { candidate: Candidate }) {
  const what = candidate.status === 'linked' ? 'linked as one person' : candidate.status === 'rejected' ? 'recorded as not the same person' : 'settled: both records are now in one person';
  return (
    <div className="nhsuk-inset-text">
      <p>
        This pair has already been {what}
        {candidate.decidedBy && <> by {candidate.decidedBy}</>}
        {candidate.decided && <> on {formatDateTime(candidate.decided)}</>}.
        {candidate.decisionReason && <> Their note: {candidate.decisionReason}</>}
      </p>
    </div>
  );
}

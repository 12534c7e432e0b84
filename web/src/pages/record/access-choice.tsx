// What a member of staff sees instead of a record they may not yet see: whose record it is (the
// demographics anyone may read), why it is not shown, in plain words, and what they can do — claim a
// relationship, break glass if their role may, or record the person's consent to view. Nothing else
// about the person has been read.
import { useEffect, useRef, useState } from 'react';
import type { AccessChoiceData } from './load-record.ts';
import { ClaimForm, type ClaimKind } from './claim-form.tsx';
import { ConsentForm } from './consent-form.tsx';
import { dateInWords, nhsIdentifierOf, personName, formatNhsNumber } from './person-format.ts';

function WhoThisIs({ data }: { data: AccessChoiceData }) {
  const nhs = nhsIdentifierOf(data.patient)?.value;
  return (
    <dl className="nhsuk-summary-list" aria-label="Whose record this is">
      <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">
        <dt className="nhsuk-summary-list__key">Name</dt>
        <dd className="nhsuk-summary-list__value">{personName(data.patient.name)}</dd>
      </div>
      <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">
        <dt className="nhsuk-summary-list__key">NHS number</dt>
        <dd className="nhsuk-summary-list__value">{nhs ? formatNhsNumber(nhs) : 'Not recorded'}</dd>
      </div>
      <div className="nhsuk-summary-list__row nhsuk-summary-list__row--no-actions">
        <dt className="nhsuk-summary-list__key">Date of birth</dt>
        <dd className="nhsuk-summary-list__value">{dateInWords(data.patient.birthDate)}</dd>
      </div>
    </dl>
  );
}

function NoOptions() {
  return (
    <p>Your role cannot claim access to a record. If you need to see it, ask a colleague who cares for this person, or your information governance lead.</p>
  );
}

function Dissent({ data, name, onDone }: { data: AccessChoiceData; name: string; onDone: () => void }) {
  return (
    <>
      <h1>{name} has asked not to share their record</h1>
      <WhoThisIs data={data} />
      <p>{name} has told us they do not want their shared care record to be seen by other organisations. You can still see who they are.</p>
      {data.access.canBreakGlass ? (
        <>
          <p>In an emergency, if you need the record now to keep them or others safe, you can break glass. Every use is reviewed by the privacy officer.</p>
          <ClaimForm patientId={data.patient.id!} kinds={['break-glass']} onClaimed={onDone} />
        </>
      ) : <p>Your role cannot override their choice. If you think they are at risk, follow your organisation's safeguarding procedure.</p>}
    </>
  );
}

function ConsentToView({ data, name, onDone }: { data: AccessChoiceData; name: string; onDone: () => void }) {
  const [refused, setRefused] = useState(false);
  const refusedHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (refused) refusedHeading.current?.focus();
  }, [refused]);
  if (refused) {
    return (
      <>
        <h1 tabIndex={-1} ref={refusedHeading}>{name} does not agree to you viewing their record</h1>
        <WhoThisIs data={data} />
        <p>Their answer has been recorded. You cannot see their shared care record now.</p>
        {data.access.canBreakGlass && (
          <>
            <p>In an emergency, if you need the record now to keep them or others safe, you can still break glass. This is reviewed by the privacy officer.</p>
            <ClaimForm patientId={data.patient.id!} kinds={['break-glass']} onClaimed={onDone} />
          </>
        )}
      </>
    );
  }
  return (
    <>
      <h1>Ask {name} before viewing their record</h1>
      <WhoThisIs data={data} />
      <p>Here, people are asked each time before their shared care record is viewed. Ask {name} whether they agree to you viewing it now, and record their answer.</p>
      <ConsentForm patientId={data.patient.id!} name={name} onAnswered={(answer) => (answer === 'given' ? onDone() : setRefused(true))} />
    </>
  );
}

function NoRelationship({ data, name, onDone }: { data: AccessChoiceData; name: string; onDone: () => void }) {
  const kinds: ClaimKind[] = [...(data.access.canSelfClaim ? ['self-claim' as const] : []), ...(data.access.canBreakGlass ? ['break-glass' as const] : [])];
  return (
    <>
      <h1>You need a reason to see {name}'s record</h1>
      <WhoThisIs data={data} />
      <p>
        There is no record of your organisation caring for {name}: no open case, care team or referral, no current or recent visit,
        and they are not registered with your practice. A shared care record is seen only by the people caring for the person.
      </p>
      {data.access.consentToViewRequired && <p>After this, you will also need to ask {name} if they agree to you viewing their record.</p>}
      {kinds.length > 0 ? <ClaimForm patientId={data.patient.id!} kinds={kinds} onClaimed={onDone} /> : <NoOptions />}
    </>
  );
}

export function AccessChoice({ data, onDone }: { data: AccessChoiceData; onDone: () => void }) {
  const name = personName(data.patient.name);
  if (data.access.withheld === 'dissent') return <Dissent data={data} name={name} onDone={onDone} />;
  if (data.access.withheld === 'consent-to-view') return <ConsentToView data={data} name={name} onDone={onDone} />;
  return <NoRelationship data={data} name={name} onDone={onDone} />;
}

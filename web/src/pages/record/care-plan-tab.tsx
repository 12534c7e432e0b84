// The record's "Care plans" tab: the person's shared care plans across their linked records, and,
// for roles that may contribute (the policy's contributeCarePlan), a form to add a note or an activity.
import { useEffect, useRef, useState } from 'react';
import { Loading, Problem } from '../../components/problem.tsx';
import { currentSession } from '../../lib/session.ts';
import { useLoad } from '../../lib/use-fhir.ts';
import { CarePlanCard } from '../care-plan/care-plan-card.tsx';
import { contributorOf, loadCarePlans, type CarePlans, type Contributor } from '../care-plan/care-plans.ts';
import { ContributeForm } from '../care-plan/contribute-form.tsx';
import { SuccessBanner } from '../../components/success-banner.tsx';

const OPEN_PLAN = new Set(['draft', 'active', 'on-hold']);

export function CarePlanTab({ patientIds }: { patientIds: string[] }) {
  const user = currentSession()?.user;
  const [loaded, reload] = useLoad(async (): Promise<[CarePlans, Contributor | undefined]> => {
    const plans = await loadCarePlans(patientIds);
    const organisation = plans.canContribute && user?.orgCode ? await contributorOf(user.orgCode) : undefined;
    return [plans, organisation];
  }, [patientIds.join(',')]);
  const [saved, setSaved] = useState<string>();
  const banner = useRef<HTMLDivElement>(null);
  useEffect(() => banner.current?.focus(), [saved, loaded]);

  return (
    <>
      <h2>Care plans</h2>
      {saved && loaded.state === 'ready' && <SuccessBanner id="care-plan-saved" message={saved} heading="h3" ref={banner} />}
      {loaded.state === 'loading' && <Loading what="care plans" />}
      {loaded.state === 'failed' && <Problem error={loaded.error} />}
      {loaded.state === 'ready' && <Plans data={loaded.data[0]} organisation={loaded.data[1]} userName={user?.name ?? ''}
        onSaved={(message) => { setSaved(message); reload(); }} onReload={() => { setSaved(undefined); reload(); }} />}
    </>
  );
}

interface PlansProps {
  data: CarePlans;
  organisation: Contributor | undefined;
  userName: string;
  onSaved(message: string): void;
  onReload(): void;
}

function Plans({ data, organisation, userName, onSaved, onReload }: PlansProps) {
  if (!data.visible) return <p className="nhsuk-body">Care plans are not available to your role.</p>;
  if (data.plans.length === 0) return <p className="nhsuk-body">No care plans have been shared for this person.</p>;
  return (
    <>
      {data.plans.map((plan) => (
        <CarePlanCard key={`${plan.id}/${plan.meta?.versionId}`} plan={plan} related={data.related}>
          {data.canContribute && organisation && OPEN_PLAN.has(plan.status) && (
            <ContributeForm plan={plan} by={{ name: userName, organisation }} onSaved={onSaved} onReload={onReload} />
          )}
        </CarePlanCard>
      ))}
    </>
  );
}

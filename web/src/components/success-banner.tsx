// The NHS.UK success banner shown after a change is saved; it takes focus so screen readers say it.
import type { Ref } from 'react';

export function SuccessBanner({ id, message, heading: Heading = 'h2', ref }: { id: string; message: string; heading?: 'h2' | 'h3'; ref?: Ref<HTMLDivElement> }) {
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby={id} tabIndex={-1} ref={ref}>
      <div className="nhsuk-notification-banner__header">
        <Heading className="nhsuk-notification-banner__title" id={id}>Success</Heading>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{message}</p>
      </div>
    </div>
  );
}

// One way the record's forms submit: check the answers, show field errors in the error summary
// (and move focus there), send once, and show the server's refusal as a field error or a problem.
import { useRef, useState } from 'react';
import type { FieldError } from './error-summary.tsx';

export function useFormSubmission() {
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<Error>();
  const [sending, setSending] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  const focusSummary = () => {
    requestAnimationFrame(() => summary.current?.focus());
  };

  /** Sends when `found` is empty; `asFieldErrors` turns a server refusal into field errors when it is one. */
  async function submit(found: FieldError[], send: () => Promise<void>, asFieldErrors?: (err: unknown) => FieldError[] | undefined): Promise<void> {
    setErrors(found);
    setFailure(undefined);
    if (found.length > 0) return focusSummary();
    setSending(true);
    try {
      await send();
    } catch (err) {
      const fieldErrors = asFieldErrors?.(err);
      if (fieldErrors) setErrors(fieldErrors);
      else setFailure(err as Error);
      focusSummary();
    } finally {
      setSending(false);
    }
  }

  return { errors, failure, sending, summary, submit };
}

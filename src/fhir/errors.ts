// One error type for the whole product: a closed category, a stable code and FHIRPath locations.
// The server maps categories to HTTP statuses; nothing else needs to know about HTTP.

export const ERROR_CATEGORIES = [
  'invalid',
  'not-found',
  'gone',
  'conflict',
  'precondition',
  'forbidden',
  'unauthenticated',
  'unsupported',
  'unsupported-media',
  'not-allowed',
  'not-acceptable',
  'too-large',
  'busy',
  'fault',
] as const;
export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

/** One problem, shaped like an OperationOutcome.issue. */
export interface Issue {
  severity: IssueSeverity;
  /** FHIR issue-type code, e.g. `invalid`, `structure`, `required`, `not-found`. */
  code: string;
  /** Stable machine code, e.g. `STORE_VERSION_CONFLICT`. */
  id?: string;
  message: string;
  /** FHIRPath expressions (or parameter names for search) locating the problem. */
  expression?: string[];
}

/** The product's error: category decides the HTTP status, code is stable for clients and logs. */
export class FhirError extends Error {
  readonly category: ErrorCategory;
  readonly code: string;
  readonly issues: Issue[];
  /** Position of the failing item when the error came from a set-based write. */
  entryIndex?: number;

  constructor(category: ErrorCategory, code: string, message: string, expression?: string[] | string, more: Issue[] = []) {
    super(message);
    this.name = 'FhirError';
    this.category = category;
    this.code = code;
    const location = typeof expression === 'string' ? [expression] : expression;
    this.issues = [
      { severity: 'error', code: issueTypeFor(category), id: code, message, ...(location ? { expression: location } : {}) },
      ...more,
    ];
  }

  /** An error carrying several issues (e.g. validation), keeping the first as the summary. */
  static fromIssues(category: ErrorCategory, code: string, issues: Issue[]): FhirError {
    const [first, ...rest] = issues;
    const err = new FhirError(category, code, first?.message ?? code, first?.expression, rest);
    if (first) err.issues[0] = { ...first, id: first.id ?? code };
    return err;
  }
}

const ISSUE_TYPES: Record<ErrorCategory, string> = {
  invalid: 'invalid',
  'not-found': 'not-found',
  gone: 'deleted',
  conflict: 'conflict',
  precondition: 'conflict',
  forbidden: 'forbidden',
  unauthenticated: 'login',
  unsupported: 'not-supported',
  'unsupported-media': 'not-supported',
  'not-allowed': 'not-supported',
  'not-acceptable': 'not-supported',
  'too-large': 'too-costly',
  busy: 'throttled',
  fault: 'exception',
};

export function issueTypeFor(category: ErrorCategory): string {
  return ISSUE_TYPES[category];
}

export const invalid = (code: string, message: string, expression?: string[] | string): FhirError =>
  new FhirError('invalid', code, message, expression);
export const notFound = (code: string, message: string): FhirError => new FhirError('not-found', code, message);
export const unsupported = (code: string, message: string, expression?: string[] | string): FhirError =>
  new FhirError('unsupported', code, message, expression);

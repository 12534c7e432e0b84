// Reads an operation's input parameters the same way whether they came in the URL (GET, or a form
// POST) or as a Parameters resource in the body. See: https://hl7.org/fhir/R4/operations.html#request
import type { CodeableConcept, Coding, Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { invalid } from '../../fhir/errors.ts';
import type { FhirRequest } from '../fhir-request.ts';

const PRIMITIVE_KEYS = ['valueString', 'valueUri', 'valueUrl', 'valueCanonical', 'valueCode', 'valueId', 'valueOid', 'valueUuid',
  'valueMarkdown', 'valueDateTime', 'valueDate', 'valueInstant'] as const;

export interface OperationInput {
  /** Every value of a string-like parameter, in order. */
  strings(name: string): string[];
  /** The single value of a string-like parameter; a repeated one is refused. */
  string(name: string): string | undefined;
  boolean(name: string): boolean | undefined;
  integer(name: string): number | undefined;
  coding(name: string): Coding | undefined;
  codeableConcept(name: string): CodeableConcept | undefined;
  resource(name: string): Resource | undefined;
  /** The expression naming a parameter in errors: the URL parameter, or `Parameters.parameter[name]`. */
  location(name: string): string;
}

function fromQuery(query: ReadonlyArray<[string, string]>): OperationInput {
  const all = (name: string) => query.filter(([k]) => k === name).map(([, v]) => v);
  const one = (name: string) => {
    const values = all(name);
    if (values.length > 1) throw invalid('OPERATION_PARAMETER_REPEATED', `'${name}' may be given once`, name);
    return values[0];
  };
  const boolean = (name: string) => {
    const v = one(name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false') throw invalid('OPERATION_PARAMETER_BOOLEAN', `'${name}' must be true or false`, name);
    return v === 'true';
  };
  return {
    strings: all,
    string: one,
    boolean,
    integer(name) {
      const v = one(name);
      if (v === undefined) return undefined;
      if (!/^\d{1,9}$/.test(v)) throw invalid('OPERATION_PARAMETER_INTEGER', `'${name}' must be a non-negative integer`, name);
      return Number(v);
    },
    // Codings in a URL use the token form system|code, as search does.
    coding(name) {
      const v = one(name);
      if (v === undefined) return undefined;
      const bar = v.indexOf('|');
      return bar < 0 ? { code: v } : { ...(bar > 0 ? { system: v.slice(0, bar) } : {}), code: v.slice(bar + 1) };
    },
    codeableConcept: () => undefined,
    resource: () => undefined,
    location: (name) => name,
  };
}

function fromParameters(body: Parameters): OperationInput {
  const parts = body.parameter ?? [];
  const all = (name: string): ParametersParameter[] => parts.filter((p) => p.name === name);
  const location = (name: string) => `Parameters.parameter.where(name='${name}')`;
  const one = (name: string): ParametersParameter | undefined => {
    const found = all(name);
    if (found.length > 1) throw invalid('OPERATION_PARAMETER_REPEATED', `'${name}' may be given once`, location(name));
    return found[0];
  };
  const primitive = (p: ParametersParameter, name: string): string => {
    const key = PRIMITIVE_KEYS.find((k) => typeof p[k] === 'string');
    if (!key) throw invalid('OPERATION_PARAMETER_TYPE', `'${name}' must have a string, uri or code value`, location(name));
    return p[key] as string;
  };
  return {
    strings: (name) => all(name).map((p) => primitive(p, name)),
    string(name) {
      const p = one(name);
      return p && primitive(p, name);
    },
    boolean(name) {
      const p = one(name);
      if (p === undefined) return undefined;
      if (typeof p.valueBoolean !== 'boolean') throw invalid('OPERATION_PARAMETER_BOOLEAN', `'${name}' must be a valueBoolean`, location(name));
      return p.valueBoolean;
    },
    integer(name) {
      const p = one(name);
      if (p === undefined) return undefined;
      const v = p.valueInteger ?? p.valueUnsignedInt ?? p.valuePositiveInt;
      if (typeof v !== 'number' || v < 0) throw invalid('OPERATION_PARAMETER_INTEGER', `'${name}' must be a non-negative integer`, location(name));
      return v;
    },
    coding(name) {
      const p = one(name);
      if (p && !p.valueCoding) throw invalid('OPERATION_PARAMETER_TYPE', `'${name}' must be a valueCoding`, location(name));
      return p?.valueCoding;
    },
    codeableConcept(name) {
      const p = one(name);
      if (p && !p.valueCodeableConcept) throw invalid('OPERATION_PARAMETER_TYPE', `'${name}' must be a valueCodeableConcept`, location(name));
      return p?.valueCodeableConcept;
    },
    resource: (name) => one(name)?.resource,
    location,
  };
}

/** The operation's input: the URL parameters, plus a Parameters body on POST. */
export function operationInput(req: FhirRequest): OperationInput {
  const body = req.body as Resource | undefined;
  if (req.method !== 'POST' || body === undefined || body === null) return fromQuery(req.query);
  if (typeof body !== 'object' || (body as Resource).resourceType !== 'Parameters') {
    throw invalid('OPERATION_BODY', 'The request body must be a Parameters resource', 'Parameters');
  }
  return fromParameters(body as Parameters);
}

// Validation's fast path. @medplum/core's validator re-derives every element's types on every value
// (a choice like Extension.value[x] is ~50 lookups), so bulk loads spent most of their CPU there.
// This one compiles, once per type and from the same schemas, what each JSON key may hold, and walks
// a resource once. It only ever answers "certainly valid": any doubt or error sends the resource to
// the full validator (validate.ts), which alone decides what is wrong and words the issues.
import {
  evalFhirPathTyped,
  fhirTypeToJsType,
  isPrimitiveType,
  LRUCache,
  toTypedValue,
  tryGetDataType,
  UCUM,
  validationRegexes,
  type Constraint,
  type FhirPathAtom,
  type InternalSchemaElement,
  type InternalTypeSchema,
  type TypedValue,
} from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { COMPILED_CONSTRAINTS } from './compiled-constraints.ts';
import { requiredCodes } from './required-bindings.ts';
import { ukCoreIssues } from './uk-core-rules.ts';

type Json = Record<string, unknown>;

interface ConstraintCheck {
  key: string;
  expression: string;
  test?: (value: unknown, resource: Json) => boolean | undefined;
}

interface PrimitiveCheck {
  jsType: 'string' | 'number' | 'boolean';
  pattern?: RegExp;
  integer: boolean;
  least?: number;
}

/** What one JSON key of an object may hold: one element, in one of its types for a choice. */
interface KeyPlan {
  type: string;
  isArray: boolean;
  min: number;
  max: number;
  /** The element's name in the schema (`value[x]` for every `valueX` key). */
  element: string;
  isChoice: boolean;
  isRequired: boolean;
  primitive?: PrimitiveCheck;
  /** A complex type's own plan, built on first use. */
  nested?: TypePlan;
  codes?: ReadonlySet<string>;
  constraints: ConstraintCheck[];
  /** Kinds the fast path leaves to the full validator (contained resources, bare Element types). */
  unsupported: boolean;
}

interface TypePlan {
  keys: Map<string, KeyPlan>;
  requiredCount: number;
  rootConstraints: ConstraintCheck[];
}

const plans = new WeakMap<InternalTypeSchema, TypePlan>();
const fhirPathCache = new LRUCache<FhirPathAtom>(1_000);
const INTEGER_TYPES = new Set(['integer', 'positiveInt', 'unsignedInt']);
const MAX_STRING = 1024 * 1024;
const UNSUPPORTED_TYPES = new Set(['Resource', 'Element', 'BackboneElement']);
// ele-1 ("a value or children") holds for every element the walk accepts: it refuses empty ones first.
const IMPLIED_BY_STRUCTURE = 'ele-1';
const ABSTRACT_RESOURCES = new Set(['Resource', 'DomainResource']);

function constraintChecks(constraints: readonly Constraint[] | undefined): ConstraintCheck[] {
  return (constraints ?? [])
    .filter((c) => c.severity === 'error' && c.key !== IMPLIED_BY_STRUCTURE)
    .map((c) => {
      const compiled = COMPILED_CONSTRAINTS[c.key];
      return { key: c.key, expression: c.expression, ...(compiled?.expression === c.expression ? { test: compiled.test } : {}) };
    });
}

function primitiveCheck(type: string): PrimitiveCheck {
  const jsType = (fhirTypeToJsType as Record<string, PrimitiveCheck['jsType']>)[type]!;
  return {
    jsType,
    ...(validationRegexes[type] ? { pattern: validationRegexes[type] } : {}),
    integer: INTEGER_TYPES.has(type),
    ...(type === 'positiveInt' ? { least: 1 } : type === 'unsignedInt' ? { least: 0 } : {}),
  };
}

function keyPlan(schema: InternalTypeSchema, name: string, element: InternalSchemaElement, type: string): KeyPlan {
  const isChoice = name.endsWith('[x]');
  const primitive = isPrimitiveType(type) && type in fhirTypeToJsType;
  const codes = !isChoice && type === 'code' ? requiredCodes(schema.path, name) : undefined;
  return {
    type,
    isArray: element.isArray === true,
    min: element.min,
    max: element.max,
    element: name,
    isChoice,
    isRequired: element.min > 0,
    ...(primitive ? { primitive: primitiveCheck(type) } : {}),
    ...(codes ? { codes } : {}),
    constraints: constraintChecks(element.constraints),
    // Fixed values, patterns, slices and nested paths do not occur in the base R4 types; a schema
    // carrying them (a profile) is left to the full validator rather than half-checked here.
    unsupported: UNSUPPORTED_TYPES.has(type) || (!primitive && isPrimitiveType(type)) || !!element.fixed || !!element.pattern ||
      !!element.slicing?.slices.length || name.includes('.'),
  };
}

function buildPlan(schema: InternalTypeSchema): TypePlan {
  const keys = new Map<string, KeyPlan>();
  let requiredCount = 0;
  for (const [name, element] of Object.entries(schema.elements)) {
    if (element.min > 0) requiredCount++;
    if (name.endsWith('[x]')) {
      const stem = name.slice(0, -3);
      for (const t of element.type) keys.set(stem + t.code.charAt(0).toUpperCase() + t.code.slice(1), keyPlan(schema, name, element, t.code));
    } else if (element.type.length === 1) {
      keys.set(name, keyPlan(schema, name, element, element.type[0]!.code));
    } else {
      // Several types without [x]: only profiles do this; the full validator decides.
      keys.set(name, { ...keyPlan(schema, name, element, 'Element'), unsupported: true });
    }
  }
  return { keys, requiredCount, rootConstraints: constraintChecks(schema.constraints) };
}

function planFor(schema: InternalTypeSchema): TypePlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = buildPlan(schema);
    plans.set(schema, plan);
  }
  return plan;
}

function nestedPlan(key: KeyPlan): TypePlan | undefined {
  if (key.nested) return key.nested;
  const schema = tryGetDataType(key.type);
  if (!schema) return undefined;
  key.nested = planFor(schema);
  return key.nested;
}

/** The walk of one resource: the resource itself is kept for constraints that read it. */
class Walk {
  private readonly resource: Json;
  private readonly resourceType: string;

  constructor(resource: Json, resourceType: string) {
    this.resource = resource;
    this.resourceType = resourceType;
  }

  constraintsHold(checks: readonly ConstraintCheck[], value: unknown, type: string): boolean {
    for (const check of checks) {
      const answer = check.test ? check.test(value, this.resource) : undefined;
      if (answer === false) return false;
      if (answer === undefined && !this.fhirPathHolds(check.expression, { type, value })) return false;
    }
    return true;
  }

  /** As the full validator evaluates an invariant: same engine, same variables. */
  private fhirPathHolds(expression: string, value: TypedValue): boolean {
    const root = { type: this.resourceType, value: this.resource };
    const variables: Record<string, TypedValue> = { '%context': value, '%ucum': toTypedValue(UCUM), '%resource': root, '%rootResource': root };
    try {
      const result = evalFhirPathTyped(expression, [value], variables, fhirPathCache);
      return result.length === 1 && result[0]!.value === true;
    } catch {
      return false;
    }
  }

  objectIsValid(plan: TypePlan, object: Json, isResource: boolean): boolean {
    let required = 0;
    let choices: string[] | undefined;
    let keyCount = 0;
    for (const name of Object.keys(object)) {
      keyCount++;
      if (name === 'resourceType' && isResource) continue;
      const key = plan.keys.get(name);
      if (!key || key.unsupported) return false;
      if (key.isChoice) {
        if (choices?.includes(key.element)) return false;
        (choices ??= []).push(key.element);
      }
      if (key.isRequired) required++;
      if (!this.propertyIsValid(key, object[name])) return false;
    }
    return required === plan.requiredCount && keyCount > 0;
  }

  private propertyIsValid(key: KeyPlan, value: unknown): boolean {
    if (key.isArray) {
      if (!Array.isArray(value) || value.length === 0 || value.length < key.min || value.length > key.max) return false;
      for (const item of value) if (!this.valueIsValid(key, item)) return false;
      return true;
    }
    return !Array.isArray(value) && this.valueIsValid(key, value);
  }

  private valueIsValid(key: KeyPlan, value: unknown): boolean {
    if (value === null || value === undefined) return false;
    if (key.primitive) {
      if (!primitiveIsValid(key.primitive, value)) return false;
      if (key.codes && !key.codes.has(value as string)) return false;
    } else {
      if (typeof value !== 'object' || Array.isArray(value)) return false;
      const plan = nestedPlan(key);
      if (!plan || !this.objectIsValid(plan, value as Json, false)) return false;
    }
    return key.constraints.length === 0 || this.constraintsHold(key.constraints, value, key.type);
  }
}

function primitiveIsValid(check: PrimitiveCheck, value: unknown): boolean {
  if (typeof value !== check.jsType) return false;
  if (check.jsType === 'string') {
    const text = value as string;
    return text.length <= MAX_STRING && text.trim() !== '' && (!check.pattern || check.pattern.test(text));
  }
  if (check.jsType === 'number') {
    const n = value as number;
    return Number.isFinite(n) && (!check.integer || Number.isInteger(n)) && (check.least === undefined || n >= check.least);
  }
  return true;
}

/**
 * True only when the resource is certainly valid: every element known and of its type, cardinality,
 * primitive formats, required codes, error invariants and the UK Core rules all hold. False means
 * "not proven": the full validator must decide, and it alone reports issues.
 */
export function isCertainlyValid(resource: unknown): boolean {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) return false;
  const resourceType = (resource as Json).resourceType;
  if (typeof resourceType !== 'string') return false;
  const schema = tryGetDataType(resourceType);
  if (!schema || schema.kind !== 'resource' || ABSTRACT_RESOURCES.has(resourceType)) return false;
  const plan = planFor(schema);
  const walk = new Walk(resource as Json, resourceType);
  return walk.objectIsValid(plan, resource as Json, true) && walk.constraintsHold(plan.rootConstraints, resource, resourceType) &&
    ukCoreIssues(resource as Resource).length === 0;
}

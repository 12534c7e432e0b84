// Compiles a SearchParameter's FHIRPath expression into a fast accessor. Nearly all R4 search
// expressions are simple paths, casts and `where` filters; those run as plain property walks
// (~20x faster than a FHIRPath interpreter). Anything else falls back to @medplum/core's FHIRPath.
import { evalFhirPath } from '@medplum/core';

type Json = Record<string, unknown>;
export type ValueAccessor = (resource: Json) => unknown[];

type Step =
  | { kind: 'prop'; name: string; choice: boolean }
  | { kind: 'cast'; type: string }
  | { kind: 'first' }
  | { kind: 'resolveIs'; type: string }
  | { kind: 'whereEquals'; name: string; value: string };

/** Splits on top-level `|`, ignoring bars inside parentheses or quotes. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')') depth--;
    else if (!quoted && depth === 0 && c === '|') {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** The root type name a union part starts from (`(Observation.value as Quantity)` → Observation). */
export function rootOf(part: string): string {
  return /^\(?([A-Za-z]+)/.exec(part)?.[1] ?? '';
}

function splitDots(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '.' && depth === 0) {
      out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  out.push(path.slice(start));
  return out;
}

/** Parses the simple subset; undefined means "use the interpreter". */
function parseSimple(part: string, choiceElements: ReadonlySet<string>): Step[] | undefined {
  let body = part;
  let castType: string | undefined;
  let tail = '';
  const cast = /^\((.+) as ([A-Za-z]+)\)(\..+)?$/.exec(part);
  if (cast) {
    body = cast[1]!;
    castType = cast[2]!;
    tail = cast[3]?.slice(1) ?? '';
  }
  const segments = splitDots(body);
  const root = segments.shift()!;
  if (!/^[A-Za-z]+$/.test(root)) return undefined;
  const steps: Step[] = [];
  let path = root;
  const addSegments = (segs: string[]): boolean => {
    for (const seg of segs) {
      let m: RegExpExecArray | null;
      if ((m = /^([a-zA-Z]+)(\[0\])?$/.exec(seg))) {
        path = `${path}.${m[1]}`;
        steps.push({ kind: 'prop', name: m[1]!, choice: choiceElements.has(path) });
        if (m[2]) steps.push({ kind: 'first' });
      } else if ((m = /^(?:as|ofType)\(([A-Za-z]+)\)$/.exec(seg))) {
        steps.push({ kind: 'cast', type: m[1]! });
      } else if ((m = /^where\(resolve\(\) is ([A-Za-z]+)\)$/.exec(seg))) {
        steps.push({ kind: 'resolveIs', type: m[1]! });
      } else if ((m = /^where\(([a-zA-Z]+) ?= ?'([^']*)'\)$/.exec(seg))) {
        steps.push({ kind: 'whereEquals', name: m[1]!, value: m[2]! });
      } else {
        return false;
      }
    }
    return true;
  };
  if (!addSegments(segments)) return undefined;
  if (castType) steps.push({ kind: 'cast', type: castType });
  if (tail && !addSegments(splitDots(tail))) return undefined;
  return fuseCasts(steps);
}

/** A cast straight after a choice property becomes a single concrete property (value + Quantity → valueQuantity). */
function fuseCasts(steps: Step[]): Step[] | undefined {
  const out: Step[] = [];
  for (const step of steps) {
    const prev = out[out.length - 1];
    if (step.kind === 'cast') {
      if (prev?.kind !== 'prop' || !prev.choice) return undefined;
      const suffix = step.type[0]!.toUpperCase() + step.type.slice(1);
      out[out.length - 1] = { kind: 'prop', name: prev.name + suffix, choice: false };
    } else {
      out.push(step);
    }
  }
  return out;
}

function pushValue(out: unknown[], v: unknown): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) {
    for (const x of v) if (x !== undefined && x !== null) out.push(x);
  } else out.push(v);
}

function choiceValues(obj: Json, name: string, out: unknown[]): void {
  for (const key in obj) {
    if (key.length > name.length && key.startsWith(name)) {
      const c = key.charCodeAt(name.length);
      if (c >= 65 && c <= 90) pushValue(out, obj[key]);
    }
  }
}

function applyStep(values: unknown[], step: Step): unknown[] {
  const out: unknown[] = [];
  switch (step.kind) {
    case 'prop':
      for (const v of values) {
        if (typeof v !== 'object' || v === null) continue;
        if (step.choice) choiceValues(v as Json, step.name, out);
        else pushValue(out, (v as Json)[step.name]);
      }
      return out;
    case 'first':
      return values.length > 0 ? [values[0]] : [];
    case 'resolveIs': {
      const prefix = step.type + '/';
      return values.filter((v) => {
        const ref = (v as Json | undefined)?.reference;
        return typeof ref === 'string' && (ref.startsWith(prefix) || ref.includes('/' + prefix));
      });
    }
    case 'whereEquals':
      return values.filter((v) => (v as Json | undefined)?.[step.name] === step.value);
    case 'cast':
      return values;
  }
}

/** Compiles the parts of `expression` that apply to `type` into one accessor. */
export function compileSearchExpression(
  type: string,
  expression: string,
  choiceElements: ReadonlySet<string>,
): { accessor: ValueAccessor; compiled: boolean; jsonPaths?: string[] } {
  const parts = splitUnion(expression).filter((p) => {
    const root = rootOf(p);
    return root === type || root === 'Resource' || root === 'DomainResource';
  });
  const compiledParts: Step[][] = [];
  const interpreted: string[] = [];
  for (const part of parts) {
    const steps = parseSimple(part.replace(/^\(?(Resource|DomainResource)\./, (m) => m.replace(/Resource|DomainResource/, type)), choiceElements);
    if (steps) compiledParts.push(steps);
    else interpreted.push(part);
  }
  const accessor: ValueAccessor = (resource) => {
    const out: unknown[] = [];
    for (const steps of compiledParts) {
      let values: unknown[] = [resource];
      for (const step of steps) {
        values = applyStep(values, step);
        if (values.length === 0) break;
      }
      for (const v of values) out.push(v);
    }
    for (const part of interpreted) for (const v of evalFhirPath(part, resource)) out.push(v);
    return out;
  };
  const jsonPaths = interpreted.length === 0 ? compiledParts.map(toJsonPath) : [];
  return { accessor, compiled: interpreted.length === 0, ...(jsonPaths.length > 0 && jsonPaths.every(Boolean) ? { jsonPaths: jsonPaths as string[] } : {}) };
}

/** A part made only of plain element steps, as an SQL/JSON path (`$.meta.source`); else undefined. */
function toJsonPath(steps: Step[]): string | undefined {
  if (steps.length === 0 || !steps.every((s) => s.kind === 'prop' && !s.choice)) return undefined;
  return '$' + steps.map((s) => `.${(s as { name: string }).name}`).join('');
}

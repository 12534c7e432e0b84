// Safe JSON request bodies: a depth limit checked before parsing (deep nesting is refused fast),
// and prototype-poisoning keys refused rather than silently dropped.
import { FhirError, invalid } from '../../fhir/errors.ts';

/** Throws if any object or array nests deeper than `maxDepth`; one linear pass, strings skipped. */
export function assertJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) throw invalid('HTTP_JSON_DEPTH', `JSON nests deeper than ${maxDepth} levels`, 'body');
    } else if (c === 125 || c === 93) depth--;
  }
}

const POISON = /"(?:__proto__|constructor|prototype)"\s*:/;

/** Parses a JSON body; 400 with a position for malformed JSON, 400 for forbidden keys. */
export function parseJsonBody(text: string, maxDepth: number): unknown {
  assertJsonDepth(text, maxDepth);
  let value: unknown;
  try {
    // The reviver costs time, so it only runs when a suspicious key appears in the text at all.
    value = POISON.test(text) ? JSON.parse(text, rejectPoisonKeys) : JSON.parse(text);
  } catch (err) {
    if (err instanceof FhirError) throw err;
    const position = /position (\d+)/.exec((err as Error).message)?.[1];
    throw invalid('HTTP_JSON_MALFORMED', `The request body is not valid JSON${position ? ` (at character ${position})` : ''}`, 'body');
  }
  return value;
}

function rejectPoisonKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw invalid('HTTP_JSON_FORBIDDEN_KEY', `The key '${key}' is not allowed in FHIR JSON`, 'body');
  }
  return value;
}

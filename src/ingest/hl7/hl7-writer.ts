// Writes HL7 v2 segments from field positions, with the standard separators (| ^ ~ \ &), for the
// feeds sharedcare generates and for test fixtures, so nobody counts pipes by hand.

/** Escapes free text for a field (component and repetition separators in names and addresses). */
export function escapeText(value: string): string {
  return value.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\').replace(/~/g, '\\R\\');
}

/** Components joined with ^, trailing empty ones dropped. */
export function components(...parts: ReadonlyArray<string | undefined>): string {
  const out = parts.map((p) => p ?? '');
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('^');
}

/** Repetitions joined with ~. */
export function repeat(...values: ReadonlyArray<string | undefined>): string {
  return values.filter((v): v is string => v !== undefined && v !== '').join('~');
}

/**
 * One segment from its fields by HL7 position (PID-3 is `{ 3: … }`). MSH is numbered as HL7 does:
 * MSH-1 is the field separator itself and MSH-2 the encoding characters, which are supplied.
 */
export function segment(name: string, fields: Readonly<Record<number, string | undefined>>): string {
  const positions = Object.keys(fields).map(Number).filter((n) => fields[n] !== undefined && fields[n] !== '');
  const last = positions.length ? Math.max(...positions) : 0;
  const first = name === 'MSH' ? 3 : 1;
  const values: string[] = name === 'MSH' ? ['MSH', '^~\\&'] : [name];
  for (let n = first; n <= last; n++) values.push(fields[n] ?? '');
  return values.join('|');
}

/** A message from its segments, separated by CR as on the wire. */
export function message(...segments: readonly string[]): string {
  return segments.join('\r');
}

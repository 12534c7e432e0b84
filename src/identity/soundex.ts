// American Soundex, the homophone code PDS's fuzzy search uses for names (Smith ~ Smythe), and
// matching's blocking on the sound of a surname.
// See: https://en.wikipedia.org/wiki/Soundex (the "H and W" rule of the US National Archives)

const CODES: Record<string, string> = {
  B: '1', F: '1', P: '1', V: '1',
  C: '2', G: '2', J: '2', K: '2', Q: '2', S: '2', X: '2', Z: '2',
  D: '3', T: '3',
  L: '4',
  M: '5', N: '5',
  R: '6',
};

/** The four-character Soundex code of a name (letters only are read); "" when it has no letters. */
export function soundex(name: string): string {
  const letters = name.toUpperCase().replace(/[^A-Z]/g, '');
  if (!letters) return '';
  let code = letters[0]!;
  let previous = CODES[code] ?? '';
  for (const letter of letters.slice(1)) {
    const digit = CODES[letter];
    // H and W do not separate letters with the same code; vowels do.
    if (letter === 'H' || letter === 'W') continue;
    if (digit === undefined) {
      previous = '';
      continue;
    }
    if (digit !== previous) code += digit;
    previous = digit;
    if (code.length === 4) break;
  }
  return code.padEnd(4, '0');
}

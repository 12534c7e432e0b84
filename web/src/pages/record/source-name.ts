// Readable names for source systems: the record shows "GP: EMIS (F84001)" or "Homerton EPR", not
// the source id in `meta.source` (`emis-f84001`, `epr-rqx`). Source ids follow sharedcare's naming
// (src/cli/generate/source-systems.ts, docs/ingest/README.md): <system>-<ODS code or council>.

const GP_SYSTEMS: Readonly<Record<string, string>> = { emis: 'EMIS', tpp: 'SystmOne', vision: 'Vision' };

const COUNCIL_SYSTEMS: Readonly<Record<string, string>> = {
  mosaic: 'Mosaic',
  'liquidlogic-las': 'Liquidlogic LAS',
  'liquidlogic-lcs': 'Liquidlogic LCS',
  eclipse: 'Eclipse',
  carefirst: 'CareFirst',
  azeuscare: 'AzeusCare',
  paris: 'PARIS',
};

/** Short names of acute trusts by ODS code, as staff say them; others show as "Hospital EPR (code)". */
const TRUSTS: Readonly<Record<string, string>> = {
  RQX: 'Homerton',
  RK5: 'Sherwood Forest Hospitals',
  RX1: 'Nottingham University Hospitals',
  RFR: 'Rotherham Hospital',
  RHQ: 'Sheffield Teaching Hospitals',
  RR8: 'Leeds Teaching Hospitals',
  RRK: 'University Hospitals Birmingham',
  R0A: 'Manchester University Hospitals',
  RA7: 'Bristol Royal Infirmary',
  RVJ: 'North Bristol',
  RTD: 'Newcastle Hospitals',
  RWA: 'Hull University Hospitals',
  RWD: 'United Lincolnshire Hospitals',
  REM: 'Liverpool University Hospitals',
  RAJ: 'Mid and South Essex Hospitals',
  RWE: 'Leicester Hospitals',
};

const titleCase = (slug: string) => slug.split('-').map((w) => (w === 'on' || w === 'upon' ? w : w.charAt(0).toUpperCase() + w.slice(1))).join(' ');

/** The readable name of a source system id; undefined (written through the API) reads as sharedcare itself. */
export function sourceName(source: string | undefined): string {
  if (!source) return 'Added in sharedcare';
  if (source.startsWith('urn:sharedcare:derived')) return 'sharedcare (linked records)';
  const gp = /^([a-z]+)-([a-z]\d{5})$/.exec(source);
  if (gp && GP_SYSTEMS[gp[1]!]) return `GP: ${GP_SYSTEMS[gp[1]!]} (${gp[2]!.toUpperCase()})`;
  const epr = /^epr-([a-z0-9]+)$/.exec(source);
  if (epr) {
    const ods = epr[1]!.toUpperCase();
    return TRUSTS[ods] ? `${TRUSTS[ods]} EPR` : `Hospital EPR (${ods})`;
  }
  for (const [system, name] of Object.entries(COUNCIL_SYSTEMS)) {
    if (source.startsWith(`${system}-`)) return `${titleCase(source.slice(system.length + 1))} social care (${name})`;
  }
  return source;
}

// Where synthetic people live: a table of real English local authorities with their real postcode
// districts, local acute trust, GP code prefix and case-management system, plus addresses and phone
// numbers in real formats (phone numbers from Ofcom's ranges reserved for drama, so none ring anyone).
import type { Random } from './random.ts';

export interface Town {
  readonly name: string;
  readonly districts: readonly string[];
}

export interface LocalAuthority {
  /** Short lower-case name used in source-system ids, e.g. "mosaic-nottinghamshire". */
  readonly slug: string;
  readonly councilName: string;
  /** ONS GSS code of the local authority. */
  readonly gss: string;
  /** County or metropolitan county for addresses. */
  readonly county: string;
  readonly adultsSystem: CaseSystem;
  readonly childrensSystem: CaseSystem;
  readonly trust: { readonly ods: string; readonly name: string };
  /** ODS prefix of the area's GP practice codes (letter + two digits). */
  readonly gpPrefix: string;
  /** Ofcom drama landline stem (without the last three digits). */
  readonly phoneStem: string;
  readonly whiteBritishShare: number;
  /** Relative population weight when placing people. */
  readonly weight: number;
  readonly towns: readonly Town[];
}

export const CASE_SYSTEMS = {
  mosaic: 'mosaic',
  liquidlogicLas: 'liquidlogic-las',
  liquidlogicLcs: 'liquidlogic-lcs',
  eclipse: 'eclipse',
  carefirst: 'carefirst',
  azeuscare: 'azeuscare',
  paris: 'paris',
} as const;
export type CaseSystem = (typeof CASE_SYSTEMS)[keyof typeof CASE_SYSTEMS];

const GENERIC_STEM = '01632 960';

export const LOCAL_AUTHORITIES: readonly LocalAuthority[] = [
  { slug: 'nottinghamshire', councilName: 'Nottinghamshire County Council', gss: 'E10000024', county: 'Nottinghamshire',
    adultsSystem: 'mosaic', childrensSystem: 'mosaic', trust: { ods: 'RK5', name: 'Sherwood Forest Hospitals NHS Foundation Trust' },
    gpPrefix: 'C84', phoneStem: '0115 496 0', whiteBritishShare: 88, weight: 8,
    towns: [{ name: 'Mansfield', districts: ['NG18', 'NG19'] }, { name: 'Newark', districts: ['NG24'] }, { name: 'Worksop', districts: ['S80', 'S81'] },
      { name: 'Hucknall', districts: ['NG15'] }, { name: 'Beeston', districts: ['NG9'] }, { name: 'Sutton-in-Ashfield', districts: ['NG17'] }] },
  { slug: 'nottingham', councilName: 'Nottingham City Council', gss: 'E06000018', county: 'Nottinghamshire',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RX1', name: 'Nottingham University Hospitals NHS Trust' },
    gpPrefix: 'C84', phoneStem: '0115 496 0', whiteBritishShare: 57, weight: 3,
    towns: [{ name: 'Nottingham', districts: ['NG1', 'NG3', 'NG5', 'NG6', 'NG7', 'NG8', 'NG11'] }] },
  { slug: 'rotherham', councilName: 'Rotherham Metropolitan Borough Council', gss: 'E08000018', county: 'South Yorkshire',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RFR', name: 'The Rotherham NHS Foundation Trust' },
    gpPrefix: 'C87', phoneStem: GENERIC_STEM, whiteBritishShare: 88, weight: 3,
    towns: [{ name: 'Rotherham', districts: ['S60', 'S61', 'S65', 'S66'] }, { name: 'Wath-upon-Dearne', districts: ['S63'] }, { name: 'Maltby', districts: ['S66'] }] },
  { slug: 'sheffield', councilName: 'Sheffield City Council', gss: 'E08000019', county: 'South Yorkshire',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RHQ', name: 'Sheffield Teaching Hospitals NHS Foundation Trust' },
    gpPrefix: 'C88', phoneStem: '0114 496 0', whiteBritishShare: 74, weight: 6,
    towns: [{ name: 'Sheffield', districts: ['S2', 'S5', 'S6', 'S8', 'S10', 'S11', 'S35'] }] },
  { slug: 'leeds', councilName: 'Leeds City Council', gss: 'E08000035', county: 'West Yorkshire',
    adultsSystem: 'carefirst', childrensSystem: 'mosaic', trust: { ods: 'RR8', name: 'Leeds Teaching Hospitals NHS Trust' },
    gpPrefix: 'B86', phoneStem: '0113 496 0', whiteBritishShare: 74, weight: 8,
    towns: [{ name: 'Leeds', districts: ['LS6', 'LS8', 'LS9', 'LS11', 'LS12', 'LS17'] }, { name: 'Otley', districts: ['LS21'] }, { name: 'Wetherby', districts: ['LS22'] }] },
  { slug: 'hackney', councilName: 'London Borough of Hackney', gss: 'E09000012', county: 'London',
    adultsSystem: 'mosaic', childrensSystem: 'mosaic', trust: { ods: 'RQX', name: 'Homerton Healthcare NHS Foundation Trust' },
    gpPrefix: 'F84', phoneStem: '020 7946 0', whiteBritishShare: 34, weight: 3,
    towns: [{ name: 'London', districts: ['E5', 'E8', 'E9', 'N1', 'N16'] }] },
  { slug: 'birmingham', councilName: 'Birmingham City Council', gss: 'E08000025', county: 'West Midlands',
    adultsSystem: 'eclipse', childrensSystem: 'eclipse', trust: { ods: 'RRK', name: 'University Hospitals Birmingham NHS Foundation Trust' },
    gpPrefix: 'M85', phoneStem: '0121 496 0', whiteBritishShare: 46, weight: 11,
    towns: [{ name: 'Birmingham', districts: ['B8', 'B11', 'B13', 'B14', 'B23', 'B29', 'B31'] }, { name: 'Sutton Coldfield', districts: ['B72', 'B73'] }] },
  { slug: 'manchester', councilName: 'Manchester City Council', gss: 'E08000003', county: 'Greater Manchester',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'R0A', name: 'Manchester University NHS Foundation Trust' },
    gpPrefix: 'P84', phoneStem: '0161 496 0', whiteBritishShare: 49, weight: 6,
    towns: [{ name: 'Manchester', districts: ['M9', 'M13', 'M14', 'M20', 'M22', 'M40'] }] },
  { slug: 'bristol', councilName: 'Bristol City Council', gss: 'E06000023', county: 'Bristol',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RA7', name: 'University Hospitals Bristol and Weston NHS Foundation Trust' },
    gpPrefix: 'L81', phoneStem: '0117 496 0', whiteBritishShare: 72, weight: 5,
    towns: [{ name: 'Bristol', districts: ['BS3', 'BS4', 'BS5', 'BS7', 'BS13'] }] },
  { slug: 'south-gloucestershire', councilName: 'South Gloucestershire Council', gss: 'E06000025', county: 'Gloucestershire',
    adultsSystem: 'azeuscare', childrensSystem: 'azeuscare', trust: { ods: 'RVJ', name: 'North Bristol NHS Trust' },
    gpPrefix: 'L81', phoneStem: '0117 496 0', whiteBritishShare: 85, weight: 3,
    towns: [{ name: 'Yate', districts: ['BS37'] }, { name: 'Thornbury', districts: ['BS35'] }, { name: 'Bradley Stoke', districts: ['BS32'] }, { name: 'Kingswood', districts: ['BS15'] }] },
  { slug: 'newcastle', councilName: 'Newcastle City Council', gss: 'E08000021', county: 'Tyne and Wear',
    adultsSystem: 'paris', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RTD', name: 'The Newcastle upon Tyne Hospitals NHS Foundation Trust' },
    gpPrefix: 'A87', phoneStem: '0191 498 0', whiteBritishShare: 77, weight: 3,
    towns: [{ name: 'Newcastle upon Tyne', districts: ['NE3', 'NE4', 'NE5', 'NE6', 'NE15'] }] },
  { slug: 'hull', councilName: 'Hull City Council', gss: 'E06000010', county: 'East Riding of Yorkshire',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RWA', name: 'Hull University Teaching Hospitals NHS Trust' },
    gpPrefix: 'B81', phoneStem: GENERIC_STEM, whiteBritishShare: 85, weight: 3,
    towns: [{ name: 'Hull', districts: ['HU3', 'HU5', 'HU6', 'HU8', 'HU9'] }] },
  { slug: 'lincolnshire', councilName: 'Lincolnshire County Council', gss: 'E10000019', county: 'Lincolnshire',
    adultsSystem: 'mosaic', childrensSystem: 'mosaic', trust: { ods: 'RWD', name: 'United Lincolnshire Hospitals NHS Trust' },
    gpPrefix: 'C83', phoneStem: GENERIC_STEM, whiteBritishShare: 89, weight: 8,
    towns: [{ name: 'Lincoln', districts: ['LN1', 'LN2', 'LN6'] }, { name: 'Boston', districts: ['PE21'] }, { name: 'Grantham', districts: ['NG31'] },
      { name: 'Spalding', districts: ['PE11'] }, { name: 'Skegness', districts: ['PE25'] }, { name: 'Louth', districts: ['LN11'] }, { name: 'Gainsborough', districts: ['DN21'] }] },
  { slug: 'liverpool', councilName: 'Liverpool City Council', gss: 'E08000012', county: 'Merseyside',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'REM', name: 'Liverpool University Hospitals NHS Foundation Trust' },
    gpPrefix: 'N82', phoneStem: '0151 496 0', whiteBritishShare: 77, weight: 5,
    towns: [{ name: 'Liverpool', districts: ['L4', 'L6', 'L8', 'L15', 'L17', 'L25'] }] },
  { slug: 'southend', councilName: 'Southend-on-Sea City Council', gss: 'E06000033', county: 'Essex',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RAJ', name: 'Mid and South Essex NHS Foundation Trust' },
    gpPrefix: 'F81', phoneStem: GENERIC_STEM, whiteBritishShare: 80, weight: 2,
    towns: [{ name: 'Southend-on-Sea', districts: ['SS0', 'SS1', 'SS2', 'SS3'] }, { name: 'Leigh-on-Sea', districts: ['SS9'] }] },
  { slug: 'leicester', councilName: 'Leicester City Council', gss: 'E06000016', county: 'Leicestershire',
    adultsSystem: 'liquidlogic-las', childrensSystem: 'liquidlogic-lcs', trust: { ods: 'RWE', name: 'University Hospitals of Leicester NHS Trust' },
    gpPrefix: 'C82', phoneStem: '0116 496 0', whiteBritishShare: 33, weight: 4,
    towns: [{ name: 'Leicester', districts: ['LE1', 'LE2', 'LE3', 'LE4', 'LE5'] }] },
];

const STREET_NAMES = ['Church', 'Mill', 'Station', 'Victoria', 'Park', 'Queen', 'King', 'Manor', 'Chapel', 'Grange', 'Albert', 'Windsor',
  'York', 'Springfield', 'Meadow', 'Orchard', 'Beech', 'Elm', 'Ash', 'Cedar', 'Hawthorn', 'Willow', 'Stanley', 'Nelson', 'Clarence',
  'Cromwell', 'Brook', 'Moor', 'Hall', 'School', 'Vicarage', 'Mount Pleasant', 'Coronation', 'Jubilee', 'Highfield', 'Fairfield',
  'Westfield', 'Cross', 'Castle', 'Bridge', 'Riverside', 'Hollybank', 'Priory', 'Abbey', 'Kingsway', 'Devonshire', 'Rutland', 'Sherwood'];
const STREET_TYPES = ['Road', 'Street', 'Lane', 'Avenue', 'Close', 'Drive', 'Crescent', 'Grove', 'Way', 'Terrace', 'Gardens', 'Walk'];
const BLOCK_NAMES = ['Rosewood Court', 'Beaumont House', 'Chestnut Court', 'Kingfisher House', 'Lancaster Court', 'Mulberry House'];
// Inward-code letters exclude C, I, K, M, O and V (Royal Mail PAF rules).
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export interface Address {
  readonly line: readonly string[];
  readonly city: string;
  readonly district: string;
  readonly postalCode: string;
}

export function pickLocalAuthority(random: Random): LocalAuthority {
  return random.weighted(LOCAL_AUTHORITIES.map((la) => ({ value: la, weight: la.weight })));
}

/** A real-format postcode in one of the town's districts, e.g. "NG18 4JT". */
export function pickPostcode(random: Random, town: Town): string {
  const district = random.pick(town.districts);
  const inward = `${random.int(0, 9)}${random.pick([...INWARD_LETTERS])}${random.pick([...INWARD_LETTERS])}`;
  return `${district} ${inward}`;
}

export function pickStreet(random: Random): string {
  const name = random.pick(STREET_NAMES);
  if (name === 'Kingsway') return name;
  return `${name} ${random.chance(0.08) ? 'Street' : random.pick(STREET_TYPES)}`;
}

/** A home address in the local authority (about one in eight is a flat). */
export function pickAddress(random: Random, la: LocalAuthority, town = random.pick(la.towns)): Address {
  const street = pickStreet(random);
  const line = random.chance(0.12)
    ? [`Flat ${random.int(1, 24)}`, random.pick(BLOCK_NAMES), `${random.int(1, 80)} ${street}`]
    : [`${random.int(1, 180)} ${street}`];
  return { line, city: town.name, district: la.county, postalCode: pickPostcode(random, town) };
}

/** A landline in the area's Ofcom drama range, e.g. "0115 496 0123". */
export function pickLandline(random: Random, la: LocalAuthority): string {
  return la.phoneStem + String(random.int(0, 999)).padStart(3, '0');
}

/** A mobile number in Ofcom's drama range 07700 900000–900999. */
export function pickMobile(random: Random): string {
  return `07700 900${String(random.int(0, 999)).padStart(3, '0')}`;
}

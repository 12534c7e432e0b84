// Name frequencies for the linkage benchmark. The generator's own lists (src/cli/generate/names.ts) hold
// ~17 names per era and ~50 British surnames; matching needs the real skew (SMITH common, a long tail of rare
// names) so that chance agreement on a name costs what it costs in English data. Names here are normalised.
import type { Random } from '../../src/cli/generate/random.ts';

// Common surnames of England and Wales, most frequent first (rank order after the published
// "surnames in Great Britain" tables; weights below follow a Zipf curve over this order).
const COMMON_SURNAMES = `SMITH JONES WILLIAMS TAYLOR BROWN DAVIES EVANS WILSON THOMAS JOHNSON ROBERTS ROBINSON THOMPSON WRIGHT
WALKER WHITE EDWARDS HUGHES GREEN HALL LEWIS HARRIS CLARKE JACKSON WOOD TURNER MARTIN COOPER HILL WARD MORRIS MOORE CLARK
LEE KING BAKER HARRISON MORGAN ALLEN JAMES SCOTT PHILLIPS WATSON DAVIS PARKER PRICE BENNETT YOUNG GRIFFITHS MITCHELL KELLY
COOK CARTER RICHARDSON BAILEY COLLINS BELL SHAW MURPHY MILLER COX RICHARDS MARSHALL ANDERSON SIMPSON ELLIS ADAMS WILKINSON
FOSTER CHAPMAN POWELL WEBB ROGERS GRAY MASON HUNT CAMPBELL MATTHEWS OWEN PALMER HOLMES MILLS BARNES KNIGHT LLOYD BUTLER
RUSSELL BARKER FISHER STEVENS JENKINS MURRAY DIXON HARVEY GRAHAM PEARSON FLETCHER WALSH GIBSON HOWARD ANDREWS STEWART
ELLIOTT REYNOLDS SAUNDERS PAYNE FOX FORD PEARCE DAY BROOKS WEST LAWRENCE COLE ATKINSON BRADLEY SPENCER DAWSON BALL BURTON
WATTS ROSE BOOTH PERRY RYAN GRANT WELLS ARMSTRONG FRANCIS REES HAYES HART HUDSON NEWMAN BARRETT WEBSTER HUNTER GREGORY
CARR LOWE PAGE MARSH RILEY DUNN WOODS PARSONS BERRY STONE REID HOLLAND HAWKINS HARDING PORTER ROBERTSON NEWTON OLIVER REED
KENNEDY WILLIAMSON BIRD GARDNER DEAN LANE SUTTON JORDAN HOPKINS CHAMBERS SHARP SMART HOLT BARBER BURKE HOWELLS LAMB
WHITEHEAD FLEMING JOHNSTON HOBBS HOLDEN FROST NORRIS BARTLETT STEELE CROSS HODGSON HICKS HEATH BOWEN NASH FULLER SHEPHERD
SIMMONS FIELD TUCKER HAMMOND WALTON PARRY LYONS SANDERS HARPER QUINN MORTON DUNCAN PRESTON HAMILTON FOWLER ROWE GOODWIN
GILBERT SWEENEY DOYLE MANN RAY PATTERSON MOSS HOUGHTON WARREN ASHTON PARKINSON HOPE COLEMAN HORTON BRIGGS BOYLE NICHOLSON
KEMP SLATER NOBLE CHANDLER BRADSHAW BARLOW MOLONEY GODDARD HAYWARD BAXTER CHARLTON MOORHOUSE PICKERING ASHWORTH HEYWOOD`
  .split(/\s+/);

// Long tail: English place-name surnames (prefix + suffix), each rare, as most surnames are.
const TAIL_PREFIXES = `ASH BLACK BRAD BROOK BURN CALDER CHES CRAN DAL DEN FAIR FAR GOLD HAL HAR HAW HEATH HOL HOLLING LANG LIT MID
MOS NOR OAK PEN RAD RAM ROTH SHER STAN STOCK THORN WAL WHIT WIN BEL BRAM CROS DUD HEY KNOT LOCK MAR RAW ROW SAL SHEL STAP
TOT WEL WORS YAR ALD BARN BIRCH CAL COL CRAW ELL FEN GRIM HUD LAX MAP NEW PRES RUSH SKEL TAT WEATHER ABBOT ACK ALL ALS
AP ARK ASP BAG BAL BAS BEN BIL BOS BRIN BUCK CAR CHIL CLAY COP DIS DRAY EAST EG FARN FIN GAR GLAD HAD HEM HIN HOR IS KEN
KIM LAN LEN MAL MEL MIL NETH OT PAD PIL REN RID SAND SHIP SNOW SOUTH STAIN STRAT TIL TREN UP WAD WEST WHEAT WIL`.split(/\s+/);
const TAIL_SUFFIXES = `WORTH FORD LEY TON HAM FIELD WOOD BY HURST SHAW DALE COTE BURY STEAD THWAITE WELL BRIDGE COMBE LOW MORE STONE
THORPE WICK DEN HOLME LAND GATE HOPE CROFT`.split(/\s+/);

const MALE = `JOHN DAVID MICHAEL PAUL ANDREW PETER JAMES ROBERT MARK RICHARD STEPHEN CHRISTOPHER WILLIAM THOMAS ANTHONY DANIEL
MATTHEW STEVEN IAN GARY ALAN KEVIN SIMON MARTIN NEIL BRIAN GRAHAM KEITH COLIN PHILIP JONATHAN JASON LEE CRAIG DARREN SCOTT
NICHOLAS EDWARD CHARLES GEORGE JOSEPH SAMUEL BENJAMIN ALEXANDER JACK HARRY OLIVER JOSHUA RYAN LUKE ADAM LIAM NATHAN KENNETH
RONALD DONALD GERALD LEONARD FREDERICK ALBERT HAROLD HENRY ARTHUR ALFRED PATRICK TIMOTHY TERENCE RAYMOND DOUGLAS GREGORY
FRANCIS LAWRENCE BERNARD VINCENT DOMINIC NORMAN ERNEST STANLEY WILFRED REGINALD SIDNEY CLIFFORD NATHANIEL ZACHARY THEODORE
JACOB CALLUM CAMERON DEAN ROSS CARL SHAUN WAYNE BARRY ROY TREVOR NIGEL DEREK ROGER MALCOLM GORDON DENNIS FRANK MAX ARCHIBALD`
  .split(/\s+/);
const FEMALE = `SUSAN MARGARET ELIZABETH SARAH MARY PATRICIA JULIE KAREN CATHERINE JENNIFER CHRISTINE HELEN LINDA DEBORAH REBECCA
VICTORIA NICOLA JOANNE EMMA CLAIRE LISA MICHELLE SAMANTHA JACQUELINE KATHERINE ALEXANDRA ANNE ANN BARBARA CAROLINE CHARLOTTE
ELEANOR EMILY AMELIA ISABELLA ISABEL JESSICA LOUISE VALERIE WINIFRED FLORENCE MARJORIE PAMELA JANET BEVERLEY THERESA GEORGINA
FRANCES DOROTHY JOSEPHINE GILLIAN PENELOPE MADELEINE ABIGAIL KIMBERLEY DANIELLE GABRIELLE SOPHIE HANNAH LAURA AMY RACHEL GEMMA
KELLY TRACEY SHARON ANGELA WENDY JEAN JOAN IRENE BRENDA SHEILA MAUREEN SANDRA CAROL DIANE ELAINE PAULINE LESLEY ALISON AMANDA
STACEY KATIE LAUREN CHLOE OLIVIA GRACE LUCY ELLIE MEGAN ZOE HOLLY JADE FAYE NATALIE KIRSTY LOUISA SOPHIA`.split(/\s+/);

/**
 * Formal forename → the short forms and spellings clerks write for it (our own list of common English
 * pairs, plus transliteration variants). A record "with a nickname" uses one of these instead.
 */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  ROBERT: ['BOB', 'ROB', 'BOBBY', 'ROBBIE'], WILLIAM: ['BILL', 'WILL', 'BILLY', 'WILLIE'], JAMES: ['JIM', 'JIMMY', 'JAMIE'],
  JOHN: ['JACK', 'JOHNNY'], MICHAEL: ['MIKE', 'MICK', 'MICKY'], THOMAS: ['TOM', 'TOMMY'], CHRISTOPHER: ['CHRIS', 'KIT'],
  ANTHONY: ['TONY'], EDWARD: ['ED', 'EDDIE', 'TED', 'NED'], CHARLES: ['CHARLIE', 'CHAS'], DAVID: ['DAVE', 'DAVY'],
  DANIEL: ['DAN', 'DANNY'], JOSEPH: ['JOE', 'JOEY'], MATTHEW: ['MATT'], NICHOLAS: ['NICK', 'NICKY'], PETER: ['PETE'],
  STEPHEN: ['STEVE'], STEVEN: ['STEVE'], SAMUEL: ['SAM', 'SAMMY'], BENJAMIN: ['BEN', 'BENNY'], ALEXANDER: ['ALEX', 'SANDY', 'ALEC'],
  ANDREW: ['ANDY', 'DREW'], PATRICK: ['PAT', 'PADDY'], TIMOTHY: ['TIM'], KENNETH: ['KEN', 'KENNY'], RONALD: ['RON', 'RONNIE'],
  DONALD: ['DON', 'DONNIE'], GERALD: ['GERRY'], LEONARD: ['LEN', 'LENNY'], FREDERICK: ['FRED', 'FREDDIE'], ALBERT: ['BERT', 'BERTIE'],
  HAROLD: ['HARRY', 'HAL'], HENRY: ['HARRY', 'HAL'], ARTHUR: ['ARTIE'], ALFRED: ['ALF', 'ALFIE'], JONATHAN: ['JON', 'JONNY'],
  PHILIP: ['PHIL'], NATHAN: ['NATE'], NATHANIEL: ['NAT'], LAWRENCE: ['LAURIE', 'LARRY'], TERENCE: ['TERRY'], RAYMOND: ['RAY'],
  DOUGLAS: ['DOUG'], GREGORY: ['GREG'], FRANCIS: ['FRANK'], JOSHUA: ['JOSH'], ZACHARY: ['ZAC', 'ZACK'], OLIVER: ['OLLIE'],
  THEODORE: ['THEO', 'TEDDY'], ARCHIBALD: ['ARCHIE'], STANLEY: ['STAN'], BERNARD: ['BERNIE'], VINCENT: ['VINCE'],
  CAMERON: ['CAM'], DOMINIC: ['DOM'], CALLUM: ['CAL'], JACOB: ['JAKE'], WILFRED: ['WILF'], ERNEST: ['ERNIE'], NORMAN: ['NORM'],
  CLIFFORD: ['CLIFF'], REGINALD: ['REG', 'REGGIE'], SIDNEY: ['SID'], MOHAMMED: ['MUHAMMAD', 'MOHAMMAD', 'MOHAMED'],
  CATHERINE: ['CATH', 'KATE', 'CATHY', 'KAY'], KATHERINE: ['KATE', 'KATHY', 'KATIE'], JENNIFER: ['JEN', 'JENNY'],
  SUSAN: ['SUE', 'SUZY'], PATRICIA: ['PAT', 'TRISH', 'PATSY'], DEBORAH: ['DEBBIE', 'DEB'], REBECCA: ['BECKY', 'BEX'],
  VICTORIA: ['VICKY', 'TORI'], CHRISTINE: ['CHRIS', 'CHRISSIE', 'TINA'], ALEXANDRA: ['ALEX', 'LEXI'], SAMANTHA: ['SAM', 'SAMMY'],
  JACQUELINE: ['JACKIE'], KIMBERLEY: ['KIM'], ABIGAIL: ['ABBIE', 'ABBY'], NICOLA: ['NICKY'], JOANNE: ['JO'],
  JOSEPHINE: ['JO', 'JOSIE'], FRANCES: ['FRAN'], DOROTHY: ['DOT', 'DOTTIE', 'DOLLY'], MARY: ['MOLLY', 'POLLY'],
  SARAH: ['SALLY', 'SAL'], ANNE: ['ANNIE', 'NAN'], BARBARA: ['BARB', 'BABS'], CAROLINE: ['CARRIE', 'CARO'],
  CHARLOTTE: ['LOTTIE', 'CHARLIE'], ELEANOR: ['ELLIE', 'NELL'], HELEN: ['NELL'], EMILY: ['EM', 'MILLIE'], AMELIA: ['MILLIE'],
  ISABELLA: ['BELLA', 'IZZY'], ISABEL: ['IZZY'], MADELEINE: ['MADDIE'], PENELOPE: ['PENNY'], GILLIAN: ['GILL', 'JILL'],
  LOUISE: ['LOU'], LOUISA: ['LOU'], VALERIE: ['VAL'], WINIFRED: ['WINNIE'], FLORENCE: ['FLO', 'FLOSSIE'], MARJORIE: ['MARGE'],
  PAMELA: ['PAM'], JANET: ['JAN'], BEVERLEY: ['BEV'], THERESA: ['TESS', 'TERRI'], GEORGINA: ['GEORGIE', 'GINA'],
  JESSICA: ['JESS'], DANIELLE: ['DANI'], GABRIELLE: ['GABBY'], SOPHIE: ['SOPH'], SOPHIA: ['SOPH'],
  ELIZABETH: ['LIZ', 'BETH', 'LIZZIE', 'BETTY', 'ELIZA', 'BESS'], MARGARET: ['PEGGY', 'MAGGIE', 'MEG', 'MARGE'],
};

// Each name's formal forms: itself if it has short forms, and every formal name it is a short form of.
const FORMS = new Map<string, string[]>();
for (const [formal, shorts] of Object.entries(NICKNAMES)) {
  for (const name of [formal, ...shorts]) FORMS.set(name, [...(FORMS.get(name) ?? []), formal]);
}

/**
 * True when two forenames are one name to a clerk (the same, or forms of one formal name in `NICKNAMES`).
 * Our own list, so the population never depends on the engine's nickname table.
 */
export function areOneName(a: string, b: string): boolean {
  if (a === b) return true;
  const forms = FORMS.get(a);
  return forms !== undefined && (FORMS.get(b) ?? []).some((f) => forms.includes(f));
}

/** Draws from a fixed list with Zipf weights 1/(rank+1)^s, by binary search over the cumulative weights. */
export class ZipfPicker {
  readonly #values: readonly string[];
  readonly #cumulative: Float64Array;

  constructor(values: readonly string[], exponent: number) {
    this.#values = values;
    this.#cumulative = new Float64Array(values.length);
    let total = 0;
    for (let i = 0; i < values.length; i++) this.#cumulative[i] = total += 1 / (i + 1) ** exponent;
    for (let i = 0; i < values.length; i++) this.#cumulative[i]! /= total;
  }

  pick(random: Random): string {
    const roll = random.next();
    let lo = 0;
    let hi = this.#values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cumulative[mid]! <= roll) lo = mid + 1;
      else hi = mid;
    }
    return this.#values[lo]!;
  }
}

/**
 * Every prefix × suffix, and patronymics of the male forenames (ROBERTS, DAVISON), in a fixed shuffled order
 * so that rank (and so frequency) is not alphabetical.
 */
function tailSurnames(): string[] {
  const out: string[] = [];
  for (const p of TAIL_PREFIXES) for (const s of TAIL_SUFFIXES) out.push(p + s);
  for (const m of MALE) out.push(`${m}S`, `${m}SON`);
  // A fixed multiplicative permutation (7919 is prime and does not divide the list's length), so the
  // order never depends on the run's seed.
  return out.map((_, i) => out[(i * 7919) % out.length]!);
}

// SMITH ≈ 1.5% of British-named people and the 240 common names ≈ 45% of them, the rest spread thinly over
// thousands: the exponents and the tail's share give that shape, which is what English surname tables show.
const commonSurnames = new ZipfPicker(COMMON_SURNAMES, 0.6);
const rareSurnames = new ZipfPicker(tailSurnames(), 0.5);
const maleForenames = new ZipfPicker(MALE, 0.9);
const femaleForenames = new ZipfPicker(FEMALE, 0.9);

/** Share of British surnames drawn from the long tail rather than the common list. */
const RARE_SURNAME_SHARE = 0.55;

/** A British surname: common names often, the long tail the rest of the time. */
export function pickBritishSurname(random: Random): string {
  return random.chance(RARE_SURNAME_SHARE) ? rareSurnames.pick(random) : commonSurnames.pick(random);
}

/** A forename from the broad (era-independent) English list, skewed towards the popular ones. */
export function pickBroadForename(random: Random, sex: 'male' | 'female'): string {
  return (sex === 'male' ? maleForenames : femaleForenames).pick(random);
}

export const NAME_LIST_SIZES = {
  commonSurnames: COMMON_SURNAMES.length,
  rareSurnames: TAIL_PREFIXES.length * TAIL_SUFFIXES.length + 2 * MALE.length,
  maleForenames: MALE.length,
  femaleForenames: FEMALE.length,
  nicknamedForenames: Object.keys(NICKNAMES).length,
} as const;

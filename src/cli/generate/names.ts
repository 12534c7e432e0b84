// Realistic UK names for synthetic people: forenames that fit a person's sex and birth era, and surnames
// from the communities that make up English towns (apostrophes, hyphens and diacritics included on purpose).
import type { Random } from './random.ts';

export const NAME_GROUPS = {
  british: 'british',
  irish: 'irish',
  southAsianMuslim: 'south-asian-muslim',
  southAsianHinduSikh: 'south-asian-hindu-sikh',
  blackAfrican: 'black-african',
  blackCaribbean: 'black-caribbean',
  chinese: 'chinese',
  easternEuropean: 'eastern-european',
  other: 'other',
} as const;
export type NameGroup = (typeof NAME_GROUPS)[keyof typeof NAME_GROUPS];

export type Sex = 'male' | 'female';

type ByEra = readonly (readonly [fromYear: number, male: readonly string[], female: readonly string[]])[];

// Popular names of each era in England and Wales (ONS baby-name lists and their predecessors).
const BRITISH_FORENAMES: ByEra = [
  [0, ['Albert', 'Arthur', 'Cyril', 'Dennis', 'Donald', 'Ernest', 'Frank', 'Frederick', 'George', 'Harold', 'Kenneth', 'Leonard', 'Norman', 'Ronald', 'Stanley', 'Walter', 'William'],
    ['Betty', 'Dorothy', 'Doris', 'Edna', 'Eileen', 'Elsie', 'Ethel', 'Irene', 'Joan', 'Joyce', 'Margaret', 'Marjorie', 'Mary', 'Muriel', 'Peggy', 'Sheila', 'Winifred']],
  [1950, ['Alan', 'Brian', 'Colin', 'David', 'Derek', 'Gary', 'Graham', 'Ian', 'John', 'Keith', 'Michael', 'Nigel', 'Peter', 'Robert', 'Roger', 'Stephen', 'Trevor'],
    ['Angela', 'Ann', 'Carol', 'Christine', 'Janet', 'Jean', 'Julie', 'Linda', 'Lynn', 'Patricia', 'Pauline', 'Sandra', 'Susan', 'Valerie', 'Wendy', 'Elaine', 'Diane']],
  [1970, ['Andrew', 'Carl', 'Christopher', 'Craig', 'Darren', 'Daniel', 'Scott', 'Jason', 'Lee', 'Mark', 'Matthew', 'Neil', 'Paul', 'Richard', 'Simon', 'Stuart', 'Wayne'],
    ['Claire', 'Donna', 'Emma', 'Gemma', 'Helen', 'Joanne', 'Karen', 'Kelly', 'Lisa', 'Michelle', 'Nicola', 'Rachel', 'Sarah', 'Stacey', 'Tracey', 'Victoria', 'Zoe']],
  [1990, ['Adam', 'Ben', 'Callum', 'Connor', 'Dylan', 'Jack', 'Jake', 'James', 'Jordan', 'Joshua', 'Kieran', 'Liam', 'Luke', 'Ryan', 'Sam', 'Thomas', 'Tom'],
    ['Amy', 'Bethany', 'Chloe', 'Charlotte', 'Ellie', 'Hannah', 'Holly', 'Jade', 'Jessica', 'Katie', 'Lauren', 'Megan', 'Rebecca', 'Shannon', 'Sophie', 'Abbie', 'Georgia']],
  [2010, ['Alfie', 'Archie', 'Arthur', 'Charlie', 'Freddie', 'George', 'Harry', 'Henry', 'Jacob', 'Leo', 'Noah', 'Oliver', 'Oscar', 'Teddy', 'Theo', 'Thomas', 'Jack'],
    ['Amelia', 'Ava', 'Daisy', 'Emily', 'Evie', 'Florence', 'Freya', 'Grace', 'Isla', 'Ivy', 'Lily', 'Mia', 'Olivia', 'Poppy', 'Rosie', 'Sophia', 'Willow']],
];

const GROUP_FORENAMES: Record<Exclude<NameGroup, 'british'>, readonly [readonly string[], readonly string[]]> = {
  irish: [['Aidan', 'Ciaran', 'Conor', 'Declan', 'Eoin', 'Liam', 'Patrick', 'Padraig', 'Sean', 'Seamus'],
    ['Aoife', 'Bridget', 'Ciara', 'Mairead', 'Niamh', 'Orla', 'Roisin', 'Siobhan', 'Sinead', 'Teresa']],
  'south-asian-muslim': [['Mohammed', 'Muhammad', 'Abdul', 'Ahmed', 'Ali', 'Bilal', 'Hamza', 'Imran', 'Tariq', 'Zain', 'Yusuf', 'Ibrahim'],
    ['Aisha', 'Amina', 'Ayesha', 'Fatima', 'Maryam', 'Nadia', 'Rukhsana', 'Sadia', 'Shazia', 'Zainab', 'Hafsa', 'Yasmin']],
  'south-asian-hindu-sikh': [['Amit', 'Arjun', 'Gurpreet', 'Harjit', 'Jaswinder', 'Kiran', 'Manoj', 'Rajesh', 'Rohan', 'Sanjay', 'Vikram', 'Dev'],
    ['Anjali', 'Deepa', 'Harpreet', 'Kamaljit', 'Meera', 'Nisha', 'Parveen', 'Pooja', 'Priya', 'Sunita', 'Simran', 'Anika']],
  'black-african': [['Chidi', 'Chukwuemeka', 'Emeka', 'Kwame', 'Kofi', 'Oluwaseun', 'Tunde', 'Abdi', 'Mohamed', 'Samuel', 'Daniel', 'Tendai'],
    ['Abena', 'Adaeze', 'Amara', 'Chioma', 'Folake', 'Ngozi', 'Nkechi', 'Yetunde', 'Hodan', 'Grace', 'Blessing', 'Precious']],
  'black-caribbean': [['Delroy', 'Desmond', 'Errol', 'Leroy', 'Marcus', 'Winston', 'Andre', 'Jermaine', 'Tyrone', 'Kyle', 'Malachi', 'Reuben'],
    ['Beverley', 'Claudette', 'Hyacinth', 'Marcia', 'Paulette', 'Sonia', 'Tanya', 'Keisha', 'Shanice', 'Jada', 'Imani', 'Nia']],
  chinese: [['Wei', 'Jun', 'Hao', 'Ming', 'Jian', 'Kai', 'Yu', 'Chen', 'Zhi', 'Kevin', 'Jason', 'Daniel'],
    ['Mei', 'Li', 'Xin', 'Ying', 'Hui', 'Jing', 'Lan', 'Yan', 'Xiu', 'Amy', 'Grace', 'Joanna']],
  'eastern-european': [['Piotr', 'Tomasz', 'Krzysztof', 'Marcin', 'Andrzej', 'Jakub', 'Mateusz', 'Ionut', 'Andrei', 'Mihai', 'Lukas', 'Jānis'],
    ['Agnieszka', 'Anna', 'Katarzyna', 'Małgorzata', 'Magdalena', 'Zofia', 'Ioana', 'Elena', 'Andreea', 'Ieva', 'Kristína', 'Oksana']],
  other: [['Ahmet', 'Mehmet', 'Omar', 'Karim', 'Hassan', 'Giorgos', 'Marco', 'Luis', 'Nikolai', 'Farid', 'Dawit', 'Kenji'],
    ['Elif', 'Leila', 'Noor', 'Sara', 'Yasmin', 'Maria', 'Sofia', 'Lucia', 'Dina', 'Hana', 'Selam', 'Yuki']],
};

const SURNAMES: Record<NameGroup, readonly string[]> = {
  british: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans',
    'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Hughes', 'Lewis', 'Turner', 'Harris', 'Cooper', 'Hill',
    'Ward', 'Morris', 'Moore', 'Clark', 'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen', 'Scott', 'Parker', 'Bennett', 'Cook',
    'Shaw', 'Holmes', 'Marshall', 'Atkinson', 'Barker', 'Whitehead', 'Fletcher', 'Bailey', 'Smith-Jones', 'Ashworth', 'Heywood', 'Pickering'],
  irish: ['Murphy', "O'Brien", 'Kelly', 'Byrne', 'Ryan', "O'Connor", 'Doherty', 'McCarthy', 'Gallagher', 'Quinn', "O'Neill", 'Fitzgerald'],
  'south-asian-muslim': ['Khan', 'Ahmed', 'Ali', 'Hussain', 'Begum', 'Akhtar', 'Mahmood', 'Iqbal', 'Rahman', 'Uddin', 'Miah', 'Chowdhury', 'Bibi', 'Rashid'],
  'south-asian-hindu-sikh': ['Patel', 'Shah', 'Singh', 'Kaur', 'Sharma', 'Mistry', 'Gill', 'Sandhu', 'Kumar', 'Joshi', 'Parmar', 'Chauhan', 'Bains', 'Mehta'],
  'black-african': ['Okafor', 'Adeyemi', 'Mensah', 'Osei', 'Okoro', 'Adebayo', 'Nwosu', 'Boateng', 'Mohamed', 'Abdi', 'Mutasa', 'Owusu'],
  'black-caribbean': ['Campbell', 'Williams', 'Brown', 'Grant', 'Thomas', 'Francis', 'Henry', 'Reid', 'Clarke', 'Edwards', 'Bailey', 'Richards'],
  chinese: ['Chen', 'Wang', 'Li', 'Zhang', 'Wong', 'Chan', 'Liu', 'Lam', 'Cheung', 'Ho', 'Yang', 'Ng'],
  'eastern-european': ['Nowak', 'Kowalczyk', 'Wójcik', 'Kamiński', 'Lewandowska', 'Zieliński', 'Popescu', 'Ionescu', 'Horváth', 'Kazlauskas', 'Bērziņš', 'Novák'],
  other: ['Yilmaz', 'Demir', 'Hassan', 'Ibrahim', 'Rossi', 'García', 'Papadopoulos', 'Haile', 'Nasser', 'Tanaka', 'Silva', 'Haddad'],
};

const MIDDLE_NAME_CHANCE = 0.45;

export interface PersonName {
  readonly given: readonly string[];
  readonly family: string;
}

function britishForenames(sex: Sex, birthYear: number): readonly string[] {
  let chosen = BRITISH_FORENAMES[0];
  for (const era of BRITISH_FORENAMES) if (birthYear >= era[0]) chosen = era;
  return sex === 'male' ? chosen[1] : chosen[2];
}

/** Forenames for a person of this sex, era and community (third-generation children often get era names). */
function forenamePool(random: Random, sex: Sex, birthYear: number, group: NameGroup): readonly string[] {
  if (group === 'british' || (group === 'black-caribbean' && birthYear < 1970) || random.chance(0.15)) {
    return britishForenames(sex, birthYear);
  }
  const [male, female] = GROUP_FORENAMES[group];
  return sex === 'male' ? male : female;
}

/** A given name (sometimes with a middle name) and a surname. */
export function pickName(random: Random, sex: Sex, birthYear: number, group: NameGroup): PersonName {
  const pool = forenamePool(random, sex, birthYear, group);
  const first = random.pick(pool);
  const given = [first];
  if (random.chance(MIDDLE_NAME_CHANCE)) {
    const middle = random.pick(britishForenames(sex, birthYear));
    if (middle !== first) given.push(middle);
  }
  return { given, family: pickSurname(random, group) };
}

export function pickSurname(random: Random, group: NameGroup): string {
  return random.pick(SURNAMES[group]);
}

/** A forename only, e.g. for a carer or parent. */
export function pickForename(random: Random, sex: Sex, birthYear: number, group: NameGroup): string {
  return random.pick(forenamePool(random, sex, birthYear, group));
}

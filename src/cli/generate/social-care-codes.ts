// Code tables for synthetic social-care records (seed 000 Appendix 1): primary support reasons, services,
// assessments and outcomes from the CLD-derived Interweave code systems, and sharedcare's own small code
// systems where nothing national exists (CLD event type, safeguarding category, children's flags, roles).
import { INTERWEAVE_CODE_SYSTEMS, SHAREDCARE_CODE_SYSTEM_PREFIX } from '../../fhir/systems.ts';
import type { ProviderKind } from './organisations.ts';

export interface Coded {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

function codes<K extends string>(system: string, table: Record<K, readonly [string, string]>): Record<K, Coded> {
  const out = {} as Record<K, Coded>;
  for (const key of Object.keys(table) as K[]) out[key] = { system, code: table[key][0], display: table[key][1] };
  return out;
}

/** sharedcare code systems, named `urn:sharedcare:codesystem:<name>`. */
export const SOCIAL_CARE_SYSTEMS = {
  cldEventType: `${SHAREDCARE_CODE_SYSTEM_PREFIX}cld-event-type`,
  safeguardingCategory: `${SHAREDCARE_CODE_SYSTEM_PREFIX}safeguarding-category`,
  childrensFlag: `${SHAREDCARE_CODE_SYSTEM_PREFIX}childrens-social-care-flag`,
  role: `${SHAREDCARE_CODE_SYSTEM_PREFIX}social-care-role`,
  recordCategory: `${SHAREDCARE_CODE_SYSTEM_PREFIX}social-care-record-category`,
} as const;

/** DHSC Client Level Data event types. */
export const CLD_EVENTS = codes(SOCIAL_CARE_SYSTEMS.cldEventType, {
  request: ['request', 'Request'],
  assessment: ['assessment', 'Assessment'],
  service: ['service', 'Service'],
  review: ['review', 'Review'],
  safeguarding: ['safeguarding-enquiry', 'Safeguarding enquiry (Care Act 2014 s42)'],
});

export const RECORD_CATEGORIES = codes(SOCIAL_CARE_SYSTEMS.recordCategory, {
  primarySupportReason: ['primary-support-reason', 'Primary support reason'],
  adultSocialCare: ['adult-social-care', 'Adult social care'],
  childrensSocialCare: ['childrens-social-care', "Children's social care"],
  careAndSupportPlan: ['care-and-support-plan', 'Care and support plan'],
  childsPlan: ['childs-plan', "Child's plan"],
  referral: ['referral', "Referral to children's social care"],
});

export const ROLES = codes(SOCIAL_CARE_SYSTEMS.role, {
  allocatedWorker: ['allocated-worker', 'Allocated worker'],
  teamManager: ['team-manager', 'Team manager'],
  episodeCoordinator: ['episode-coordinator', 'Episode coordinator'],
  parentalResponsibility: ['parental-responsibility', 'Has parental responsibility'],
  primaryContact: ['primary-contact', 'Primary contact'],
  carer: ['carer', 'Carer'],
});

export const SUPPORT_REASONS = codes(INTERWEAVE_CODE_SYSTEMS.supportReason, {
  personalCare: ['PS-PCS', 'Physical Support: Personal care support'],
  mobility: ['PS-AMO', 'Physical Support: Access & mobility only'],
  memory: ['SMC', 'Support with Memory and Cognition'],
  learningDisability: ['LDS', 'Learning Disability Support'],
  mentalHealth: ['MHS', 'Mental Health Support'],
  visual: ['SS-SVI', 'Sensory Support: Support for visual impairment'],
  hearing: ['SS-SHI', 'Sensory Support: Support for hearing impairment'],
  substanceMisuse: ['SOS-SMS', 'Social Support: Substance misuse support'],
  isolation: ['SOS-IO', 'Social Support: Support for Social Isolation/Other'],
});

/** Which condition (SNOMED) makes which support reason likely. */
export const SUPPORT_REASON_BY_CONDITION: Readonly<Record<string, Coded>> = {
  '52448006': SUPPORT_REASONS.memory,
  '110359009': SUPPORT_REASONS.learningDisability,
  '58214004': SUPPORT_REASONS.mentalHealth,
  '35489007': SUPPORT_REASONS.mentalHealth,
  '7200002': SUPPORT_REASONS.substanceMisuse,
  '193570009': SUPPORT_REASONS.visual,
  '15188001': SUPPORT_REASONS.hearing,
};

export const SERVICE_CATEGORIES = codes(INTERWEAVE_CODE_SYSTEMS.serviceCategory, {
  reablement: ['STS-STMAX', 'Short Term Support: ST-Max'],
  community: ['LTS-C', 'Long Term Support: Community'],
  residential: ['LTS-RS', 'Long Term Support: Residential Care'],
  nursing: ['LTS-NC', 'Long Term Support: Nursing Care'],
  lowLevel: ['STS-OLL', 'Short Term Support: Ongoing Low Level'],
  carerDirect: ['CS-DC', 'Carer Support: Direct to Carer'],
});

export const SERVICE_TYPES = codes(INTERWEAVE_CODE_SYSTEMS.serviceType, {
  reablement: ['R', 'Reablement'],
  homeSupport: ['HS', 'Home Support'],
  daySupport: ['DS', 'Day Support'],
  residential: ['LTRC', 'Long Term Residential Care'],
  nursing: ['LTNC', 'Long Term Nursing Care'],
  equipment: ['EQ', 'Equipment'],
  directPayment: ['DP', 'Direct Payment'],
  sharedLives: ['SL', 'Shared Lives'],
  carerRespite: ['C-R', 'Carer Respite'],
});

export interface ServiceTemplate {
  readonly type: Coded;
  readonly category: Coded;
  readonly provider?: ProviderKind;
  readonly name: string;
}

export const SERVICES = {
  reablement: { type: SERVICE_TYPES.reablement, category: SERVICE_CATEGORIES.reablement, provider: 'home-care', name: 'Home first reablement (up to 6 weeks)' },
  homeCare: { type: SERVICE_TYPES.homeSupport, category: SERVICE_CATEGORIES.community, provider: 'home-care', name: 'Home care – 4 calls a day' },
  homeCareLight: { type: SERVICE_TYPES.homeSupport, category: SERVICE_CATEGORIES.community, provider: 'home-care', name: 'Home care – 1 call a day' },
  dayCentre: { type: SERVICE_TYPES.daySupport, category: SERVICE_CATEGORIES.community, provider: 'day-centre', name: 'Day centre – 2 days a week' },
  residential: { type: SERVICE_TYPES.residential, category: SERVICE_CATEGORIES.residential, provider: 'residential', name: 'Permanent residential placement' },
  nursing: { type: SERVICE_TYPES.nursing, category: SERVICE_CATEGORIES.nursing, provider: 'nursing', name: 'Permanent nursing placement' },
  directPayment: { type: SERVICE_TYPES.directPayment, category: SERVICE_CATEGORIES.community, name: 'Direct payment – personal assistant' },
  sharedLives: { type: SERVICE_TYPES.sharedLives, category: SERVICE_CATEGORIES.community, provider: 'shared-lives', name: 'Shared Lives long-term arrangement' },
  equipment: { type: SERVICE_TYPES.equipment, category: SERVICE_CATEGORIES.lowLevel, provider: 'equipment', name: 'Community equipment' },
  carerRespite: { type: SERVICE_TYPES.carerRespite, category: SERVICE_CATEGORIES.carerDirect, provider: 'residential', name: 'Carer respite – 2 weeks a year' },
} as const satisfies Record<string, ServiceTemplate>;

export const ASSESSMENT_TYPES = codes(INTERWEAVE_CODE_SYSTEMS.assessmentType, {
  careActNeeds: ['CN', 'Care Act Needs Assessment'],
  carers: ['CA', 'Carers Assessment'],
  hospitalDischarge: ['HD', 'Hospital Discharge Assessment'],
  occupationalTherapy: ['OT', 'Occupational Therapy Assessment'],
});

export const OUTCOMES = codes(INTERWEAVE_CODE_SYSTEMS.assessmentOutcome, {
  toAssessment: ['PRO-ASS', 'Progress to Assessment'],
  toReablement: ['PRO-R', 'Progress to Reablement/ST-Max'],
  toSupportPlanning: ['PRO-SUP', 'Progress to Support Planning / Services'],
  signposting: ['NFA-IA', 'NFA - Information & Advice / Signposting only'],
  noChange: ['NCP', 'No change in package'],
  toReassessment: ['PRO-RASS', 'Progress to Re-assessment/Unplanned Review'],
  serviceEnded: ['SEP', 'Service ended as planned'],
  deceased: ['NFA-D', 'NFA - Deceased'],
});

export const CONTACT_REASONS = codes(INTERWEAVE_CODE_SYSTEMS.contactReason, {
  assessment: ['REQ-ASS', 'Request for Assessment'],
  hospitalDischarge: ['HD', 'Hospital Discharge'],
  welfare: ['CFW', 'Concern for Welfare'],
  equipment: ['REQ-AE', 'Request for Adaptation/Equipment'],
  review: ['REQ-R', 'Request for Review'],
  carerServices: ['REQ-CS', 'Request for Carers Services'],
});

export const SUPPORT_ROLES = codes(INTERWEAVE_CODE_SYSTEMS.supportRole, {
  mainCarer: ['MC', 'Main Carer'],
  informalCarer: ['IC', 'Informal Carer'],
  nextOfKin: ['NOK', 'Next of Kin'],
});

export const FLAG_CATEGORIES = codes(INTERWEAVE_CODE_SYSTEMS.flagCategory, {
  safeguarding: ['SGC', 'Safeguarding concern'],
  riskToSelf: ['RTS', 'Risk to self'],
  riskToOthers: ['RTO', 'Risk to other'],
  other: ['OTH', 'Other'],
});

/** Types of abuse and neglect in the Care and Support Statutory Guidance (Care Act 2014). */
export const SAFEGUARDING_CATEGORIES = codes(SOCIAL_CARE_SYSTEMS.safeguardingCategory, {
  neglect: ['neglect', 'Neglect and acts of omission'],
  selfNeglect: ['self-neglect', 'Self-neglect'],
  financial: ['financial', 'Financial or material abuse'],
  physical: ['physical', 'Physical abuse'],
  psychological: ['psychological', 'Psychological abuse'],
  domestic: ['domestic', 'Domestic abuse'],
  organisational: ['organisational', 'Organisational abuse'],
});

export const SAFEGUARDING_END_REASONS = ['Risk removed', 'Risk reduced', 'Risk remains', 'Enquiry ceased at the adult\'s request'] as const;

export const CHILDRENS_FLAGS = codes(SOCIAL_CARE_SYSTEMS.childrensFlag, {
  childInNeed: ['child-in-need', 'Child in need'],
  disability: ['disability', 'Disability present'],
  learningDifficulty: ['learning-difficulty', 'Learning difficulty present'],
  risk: ['risk', 'Risk present'],
  hazard: ['hazard', 'Hazard present'],
});

export const EQUIPMENT = ['Walking frame', 'Perching stool', 'Raised toilet seat', 'Commode', 'Grab rails', 'Bath lift',
  'Profiling bed', 'Pressure-relieving mattress', 'Key safe', 'Pendant alarm'] as const;

export const HAZARDS = ['Dog at the property – visit in pairs', 'History of aggression towards staff', 'Smoking in the home – oxygen in use'] as const;

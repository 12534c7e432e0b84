// The national (and sharedcare) codes each coded field of a social-care record may hold, with the
// displays the FHIR resources carry. The same systems, codes and displays as the synthetic generator
// (src/cli/generate/social-care-codes.ts), so imported and generated records look alike.
import {
  CHILD_PROTECTION_PLAN_CODES,
  ETHNIC_CATEGORY_SYSTEM,
  INTERWEAVE_CODE_SYSTEMS,
  NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND,
  SHAREDCARE_CODE_SYSTEM_PREFIX,
  SNOMED_SYSTEM,
  V3_ROLE_CODE_SYSTEM,
} from '../../fhir/systems.ts';

export interface Coded {
  readonly system: string;
  readonly code: string;
  readonly display: string;
}

/** The codes one field accepts, looked up by code (unique within a table, whatever the system). */
export class CodeTable {
  readonly name: string;
  readonly entries: readonly Coded[];
  readonly systems: readonly string[];
  private readonly byCode: ReadonlyMap<string, Coded>;

  constructor(name: string, entries: readonly Coded[]) {
    this.name = name;
    this.entries = entries;
    this.byCode = new Map(entries.map((e) => [e.code, e]));
    this.systems = [...new Set(entries.map((e) => e.system))];
  }

  get(code: string | undefined): Coded | undefined {
    return code === undefined ? undefined : this.byCode.get(code);
  }

  /** The entry for a coding, when its system is one of this table's. */
  find(system: string | undefined, code: string | undefined): Coded | undefined {
    const entry = this.get(code);
    return entry && entry.system === system ? entry : undefined;
  }

  /** The entry, or an error naming the table: for codes the mapping itself chose. */
  must(code: string): Coded {
    const entry = this.byCode.get(code);
    if (!entry) throw new Error(`'${code}' is not in code table ${this.name}`);
    return entry;
  }
}

function table(name: string, system: string, rows: ReadonlyArray<readonly [string, string]>): CodeTable {
  return new CodeTable(name, rows.map(([code, display]) => ({ system, code, display })));
}

const sharedcare = (name: string) => `${SHAREDCARE_CODE_SYSTEM_PREFIX}${name}`;

/** sharedcare's own small code systems (the generator's, plus contact type and accessible information). */
export const SOCIAL_CARE_SYSTEMS = {
  cldEventType: sharedcare('cld-event-type'),
  safeguardingCategory: sharedcare('safeguarding-category'),
  childrensFlag: sharedcare('childrens-social-care-flag'),
  role: sharedcare('social-care-role'),
  recordCategory: sharedcare('social-care-record-category'),
  contactType: sharedcare('social-care-contact-type'),
  accessibleInformation: sharedcare('accessible-information-need'),
} as const;

export const ADMINISTRATIVE_GENDER_SYSTEM = 'http://hl7.org/fhir/administrative-gender';
export const BCP47_SYSTEM = 'urn:ietf:bcp:47';
export const TASK_STATUS_SYSTEM = 'http://hl7.org/fhir/task-status';
export const REQUEST_STATUS_SYSTEM = 'http://hl7.org/fhir/request-status';
export const CONDITION_CLINICAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const ORGANIZATION_TEAM = { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'team', display: 'Organizational team' } as const;

export const GENDER = table('gender', ADMINISTRATIVE_GENDER_SYSTEM, [
  ['male', 'Male'], ['female', 'Female'], ['other', 'Other'], ['unknown', 'Unknown'],
]);

/** NHS Data Dictionary ethnic category (England), with the generator's displays. */
export const ETHNICITY = table('ethnicity', ETHNIC_CATEGORY_SYSTEM, [
  ['A', 'British, Mixed British'], ['B', 'Irish'], ['C', 'Any other White background'], ['D', 'White and Black Caribbean'],
  ['E', 'White and Black African'], ['F', 'White and Asian'], ['G', 'Any other mixed background'], ['H', 'Indian'],
  ['J', 'Pakistani'], ['K', 'Bangladeshi'], ['L', 'Any other Asian background'], ['M', 'Caribbean'], ['N', 'African'],
  ['P', 'Any other Black background'], ['R', 'Chinese'], ['S', 'Any other ethnic group'], ['Z', 'Not stated'], ['99', 'Not known'],
]);

/** NHS NUMBER STATUS INDICATOR CODE. See: ../../../../shared/reference/uk-standards.md §1 */
export const NHS_NUMBER_STATUS = table('nhsNumberStatus', NHS_NUMBER_VERIFICATION_SYSTEM_ENGLAND, [
  ['01', 'Number present and verified'], ['02', 'Number present but not traced'], ['03', 'Trace required'],
  ['04', 'Trace attempted - No match or multiple match found'], ['05', 'Trace needs to be resolved - (NHS number or patient detail conflict)'],
  ['06', 'Trace in progress'], ['07', 'Number not present and trace not required'], ['08', 'Trace postponed (baby under six weeks old)'],
]);

/** Languages people in England most often need an interpreter for (BCP 47). */
export const LANGUAGE = table('language', BCP47_SYSTEM, [
  ['en', 'English'], ['ur', 'Urdu'], ['bn', 'Bengali'], ['pa', 'Panjabi'], ['gu', 'Gujarati'], ['hi', 'Hindi'], ['ta', 'Tamil'],
  ['pl', 'Polish'], ['ro', 'Romanian'], ['lt', 'Lithuanian'], ['bg', 'Bulgarian'], ['ru', 'Russian'], ['uk', 'Ukrainian'],
  ['zh', 'Chinese'], ['yue', 'Cantonese'], ['cmn', 'Mandarin'], ['so', 'Somali'], ['yo', 'Yoruba'], ['ti', 'Tigrinya'],
  ['am', 'Amharic'], ['tr', 'Turkish'], ['ku', 'Kurdish'], ['ar', 'Arabic'], ['fa', 'Persian'], ['pt', 'Portuguese'],
  ['es', 'Spanish'], ['fr', 'French'], ['it', 'Italian'], ['sq', 'Albanian'], ['vi', 'Vietnamese'], ['bfi', 'British Sign Language'],
]);

/** v3 RoleCode personal relationships councils record for carers, parents and contacts. */
export const RELATIONSHIP = table('relationship', V3_ROLE_CODE_SYSTEM, [
  ['SPS', 'spouse'], ['HUSB', 'husband'], ['WIFE', 'wife'], ['DOMPART', 'domestic partner'], ['MTH', 'mother'], ['FTH', 'father'],
  ['PRN', 'parent'], ['STPMTH', 'stepmother'], ['STPFTH', 'stepfather'], ['GRMTH', 'grandmother'], ['GRFTH', 'grandfather'],
  ['CHILD', 'child'], ['DAU', 'natural daughter'], ['DAUC', 'daughter'], ['SON', 'natural son'], ['SONC', 'son'],
  ['BRO', 'brother'], ['SIS', 'sister'], ['SIB', 'sibling'], ['GRNDCHILD', 'grandchild'], ['AUNT', 'aunt'], ['UNCLE', 'uncle'],
  ['COUSN', 'cousin'], ['FAMMEMB', 'family member'], ['FRND', 'unrelated friend'], ['NBOR', 'neighbor'], ['ROOM', 'roommate'],
  ['GUARD', 'guardian'],
]);

/** What a contact is to the person (seed 000 Appendix 1, seed 001 Hackney: advocate and next of kin). */
export const CONTACT_TYPE = table('contactType', SOCIAL_CARE_SYSTEMS.contactType, [
  ['carer', 'Carer'], ['parental-responsibility', 'Has parental responsibility'], ['next-of-kin', 'Next of kin'], ['advocate', 'Advocate'],
]);

export const ROLE = table('role', SOCIAL_CARE_SYSTEMS.role, [
  ['allocated-worker', 'Allocated worker'], ['team-manager', 'Team manager'], ['episode-coordinator', 'Episode coordinator'],
  ['parental-responsibility', 'Has parental responsibility'], ['primary-contact', 'Primary contact'], ['carer', 'Carer'],
  ['advocate', 'Advocate'],
]);

export const SUPPORT_ROLE = table('supportRole', INTERWEAVE_CODE_SYSTEMS.supportRole, [
  ['MC', 'Main Carer'], ['IC', 'Informal Carer'], ['NOK', 'Next of Kin'],
]);

/** Social-care professions of allocated workers (SNOMED CT occupations). */
export const PROFESSION = table('profession', SNOMED_SYSTEM, [
  ['106328005', 'Social worker'], ['80546007', 'Occupational therapist'],
]);

export const RECORD_CATEGORY = table('recordCategory', SOCIAL_CARE_SYSTEMS.recordCategory, [
  ['primary-support-reason', 'Primary support reason'], ['adult-social-care', 'Adult social care'],
  ['childrens-social-care', "Children's social care"], ['care-and-support-plan', 'Care and support plan'],
  ['childs-plan', "Child's plan"], ['referral', "Referral to children's social care"], ['accessible-information', 'Accessible information need'],
]);

export const EPISODE_TYPE = new CodeTable('episodeType', [RECORD_CATEGORY.must('adult-social-care'), RECORD_CATEGORY.must('childrens-social-care')]);
export const PLAN_CATEGORY = new CodeTable('planCategory', [RECORD_CATEGORY.must('care-and-support-plan'), RECORD_CATEGORY.must('childs-plan')]);

/** CP-IS plan types. See: ../../../../shared/reference/uk-standards.md §4 */
export const PLAN_TYPE = table('planType', SNOMED_SYSTEM, [
  [CHILD_PROTECTION_PLAN_CODES.childProtectionPlan, 'Subject to child protection plan'],
  [CHILD_PROTECTION_PLAN_CODES.lookedAfterChild, 'Looked after child'],
  [CHILD_PROTECTION_PLAN_CODES.unbornChildProtectionPlan, 'Unborn child subject to child protection plan'],
]);

/** Primary support reason (CLD-derived, Interweave). See: uk-standards.md §9 */
export const SUPPORT_REASON = table('supportReason', INTERWEAVE_CODE_SYSTEMS.supportReason, [
  ['PS-AMO', 'Physical Support: Access & mobility only'], ['PS-PCS', 'Physical Support: Personal care support'],
  ['SS-SVI', 'Sensory Support: Support for visual impairment'], ['SS-SHI', 'Sensory Support: Support for hearing impairment'],
  ['SS-SDI', 'Sensory Support: Support for dual impairment'], ['SMC', 'Support with Memory and Cognition'],
  ['LDS', 'Learning Disability Support'], ['MHS', 'Mental Health Support'], ['SOS-SMS', 'Social Support: Substance misuse support'],
  ['SOS-ASS', 'Social Support: Asylum seeker support'], ['SOS-IO', 'Social Support: Support for Social Isolation/Other'],
  ['UNK', 'PSR Not Known'],
]);

export const EVENT_TYPE = table('eventType', SOCIAL_CARE_SYSTEMS.cldEventType, [
  ['request', 'Request'], ['assessment', 'Assessment'], ['service', 'Service'], ['review', 'Review'],
  ['safeguarding-enquiry', 'Safeguarding enquiry (Care Act 2014 s42)'],
]);

export const TASK_STATUS = table('taskStatus', TASK_STATUS_SYSTEM, [
  ['draft', 'Draft'], ['requested', 'Requested'], ['received', 'Received'], ['accepted', 'Accepted'], ['rejected', 'Rejected'],
  ['ready', 'Ready'], ['cancelled', 'Cancelled'], ['in-progress', 'In Progress'], ['on-hold', 'On Hold'], ['failed', 'Failed'],
  ['completed', 'Completed'], ['entered-in-error', 'Entered in Error'],
]);

export const REQUEST_STATUS = table('requestStatus', REQUEST_STATUS_SYSTEM, [
  ['draft', 'Draft'], ['active', 'Active'], ['on-hold', 'On Hold'], ['revoked', 'Revoked'], ['completed', 'Completed'],
  ['entered-in-error', 'Entered in Error'], ['unknown', 'Unknown'],
]);

export const CONTACT_REASON = table('requestReason', INTERWEAVE_CODE_SYSTEMS.contactReason, [
  ['REQ-ASS', 'Request for Assessment'], ['HD', 'Hospital Discharge'], ['CFW', 'Concern for Welfare'],
  ['REQ-AE', 'Request for Adaptation/Equipment'], ['REQ-R', 'Request for Review'], ['REQ-CS', 'Request for Carers Services'],
]);

/** Types of abuse and neglect in the Care and Support Statutory Guidance (Care Act 2014). */
export const SAFEGUARDING_CATEGORY = table('safeguardingCategory', SOCIAL_CARE_SYSTEMS.safeguardingCategory, [
  ['neglect', 'Neglect and acts of omission'], ['self-neglect', 'Self-neglect'], ['financial', 'Financial or material abuse'],
  ['physical', 'Physical abuse'], ['psychological', 'Psychological abuse'], ['domestic', 'Domestic abuse'],
  ['organisational', 'Organisational abuse'], ['sexual', 'Sexual abuse'], ['discriminatory', 'Discriminatory abuse'],
  ['modern-slavery', 'Modern slavery'],
]);

export const OUTCOME = table('outcome', INTERWEAVE_CODE_SYSTEMS.assessmentOutcome, [
  ['PRO-ASS', 'Progress to Assessment'], ['PRO-R', 'Progress to Reablement/ST-Max'], ['PRO-SUP', 'Progress to Support Planning / Services'],
  ['NFA-IA', 'NFA - Information & Advice / Signposting only'], ['NCP', 'No change in package'],
  ['PRO-RASS', 'Progress to Re-assessment/Unplanned Review'], ['SEP', 'Service ended as planned'], ['NFA-D', 'NFA - Deceased'],
]);

export const ASSESSMENT_TYPE = table('assessmentType', INTERWEAVE_CODE_SYSTEMS.assessmentType, [
  ['CN', 'Care Act Needs Assessment'], ['CA', 'Carers Assessment'], ['HD', 'Hospital Discharge Assessment'], ['OT', 'Occupational Therapy Assessment'],
]);

export const SERVICE_SETTING = table('serviceSetting', INTERWEAVE_CODE_SYSTEMS.serviceCategory, [
  ['STS-STMAX', 'Short Term Support: ST-Max'], ['LTS-C', 'Long Term Support: Community'], ['LTS-RS', 'Long Term Support: Residential Care'],
  ['LTS-NC', 'Long Term Support: Nursing Care'], ['STS-OLL', 'Short Term Support: Ongoing Low Level'], ['CS-DC', 'Carer Support: Direct to Carer'],
]);

export const SERVICE_TYPE = table('serviceType', INTERWEAVE_CODE_SYSTEMS.serviceType, [
  ['R', 'Reablement'], ['HS', 'Home Support'], ['DS', 'Day Support'], ['LTRC', 'Long Term Residential Care'], ['LTNC', 'Long Term Nursing Care'],
  ['EQ', 'Equipment'], ['DP', 'Direct Payment'], ['SL', 'Shared Lives'], ['C-R', 'Carer Respite'],
]);

const CHILDRENS_FLAG = table('childrensFlag', SOCIAL_CARE_SYSTEMS.childrensFlag, [
  ['child-in-need', 'Child in need'], ['disability', 'Disability present'], ['learning-difficulty', 'Learning difficulty present'],
  ['risk', 'Risk present'], ['hazard', 'Hazard present'],
]);

export const FLAG_CATEGORY_INTERWEAVE = table('flagCategory', INTERWEAVE_CODE_SYSTEMS.flagCategory, [
  ['SGC', 'Safeguarding concern'], ['RTS', 'Risk to self'], ['RTO', 'Risk to other'], ['OTH', 'Other'],
]);

/** What a flag says: a CP-IS plan (SNOMED), a children's indicator, or a safeguarding concern. */
export const FLAG_TYPE = new CodeTable('flagType', [...PLAN_TYPE.entries, ...CHILDRENS_FLAG.entries, FLAG_CATEGORY_INTERWEAVE.must('SGC')]);

export const FLAG_CATEGORY = new CodeTable('flagCategory', [
  RECORD_CATEGORY.must('childrens-social-care'), RECORD_CATEGORY.must('adult-social-care'), ...FLAG_CATEGORY_INTERWEAVE.entries,
]);

/** Accessible Information Standard needs (NHS England DCB1605) in plain categories. */
export const ACCESSIBLE_INFORMATION = table('accessibleInformationNeed', SOCIAL_CARE_SYSTEMS.accessibleInformation, [
  ['large-print', 'Requires information in large print'], ['easy-read', 'Requires information in easy read'],
  ['braille', 'Requires information in Braille'], ['audio', 'Requires information in audio format'],
  ['bsl-interpreter', 'Requires British Sign Language interpreter'], ['deafblind-interpreter', 'Requires deafblind manual interpreter'],
  ['lipspeaker', 'Requires lipspeaker'], ['hearing-loop', 'Requires hearing loop'], ['email-contact', 'Requires contact by email'],
  ['text-contact', 'Requires contact by text message'], ['advocate', 'Requires an advocate to communicate'],
]);

export const CLINICAL_STATUS = table('conditionClinical', CONDITION_CLINICAL_SYSTEM, [['active', 'Active'], ['inactive', 'Inactive']]);

// Why an HL7 v2 message was refused, as the product's one error type: the category decides the
// acknowledgement (invalid content → AE, a message we do not take at all → AR), the stable code
// picks the HL7 table 0357 condition for ERR-3, and the location names the field (e.g. PID-3).
// See: https://hl7-definition.caristix.com/v2/HL7v2.5.1/Tables/0357
import { FhirError } from '../../fhir/errors.ts';
import { HL7_ERROR_CODES } from './adt-codes.ts';

type ErrorCondition = (typeof HL7_ERROR_CODES)[keyof typeof HL7_ERROR_CODES];

/** Stable codes of refused messages, each with the HL7 condition reported in ERR-3. */
export const HL7_REFUSALS = {
  INGEST_HL7_PARSE: HL7_ERROR_CODES.segmentSequence,
  INGEST_HL7_MESSAGE_TYPE: HL7_ERROR_CODES.messageType,
  INGEST_HL7_EVENT: HL7_ERROR_CODES.eventCode,
  INGEST_HL7_PROCESSING_ID: HL7_ERROR_CODES.processingId,
  INGEST_HL7_VERSION: HL7_ERROR_CODES.versionId,
  INGEST_HL7_CONTROL_ID: HL7_ERROR_CODES.requiredField,
  INGEST_HL7_SENDER: HL7_ERROR_CODES.requiredField,
  INGEST_HL7_SEGMENT: HL7_ERROR_CODES.segmentSequence,
  INGEST_HL7_REQUIRED: HL7_ERROR_CODES.requiredField,
  INGEST_HL7_DATE: HL7_ERROR_CODES.dataType,
  INGEST_HL7_NHS_NUMBER: HL7_ERROR_CODES.dataType,
  INGEST_HL7_CODE: HL7_ERROR_CODES.tableValue,
  INGEST_HL7_MERGE: HL7_ERROR_CODES.unknownKey,
  INGEST_HL7_MAPPING: HL7_ERROR_CODES.internal,
  INGEST_HL7_STORE: HL7_ERROR_CODES.internal,
  INGEST_HL7_INTERNAL: HL7_ERROR_CODES.internal,
} as const satisfies Record<string, ErrorCondition>;
export type Hl7RefusalCode = keyof typeof HL7_REFUSALS;

/** The message content is wrong (missing or malformed field): acknowledged AE and quarantined. */
export function hl7Invalid(code: Hl7RefusalCode, message: string, location?: string): FhirError {
  return new FhirError('invalid', code, message, location);
}

/** We do not take this message at all (type, event, processing id, version): acknowledged AR. */
export function hl7Unsupported(code: Hl7RefusalCode, message: string, location?: string): FhirError {
  return new FhirError('unsupported', code, message, location);
}

export type AckCode = 'AA' | 'AE' | 'AR';

/** AR for messages refused as a whole; AE for content errors, including a resource the store refused. */
export function ackCodeFor(err: FhirError): Exclude<AckCode, 'AA'> {
  return err.category === 'invalid' || err.category === 'conflict' || err.category === 'precondition' ? 'AE' : 'AR';
}

export function conditionFor(err: FhirError): ErrorCondition {
  return (HL7_REFUSALS as Record<string, ErrorCondition>)[err.code] ?? HL7_ERROR_CODES.internal;
}

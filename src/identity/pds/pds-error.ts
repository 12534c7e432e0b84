// The one error the PDS client throws: the HTTP status and the Spine code PDS gave, or a transport
// code (NETWORK, TIMEOUT, INVALID_RESPONSE) when no usable answer came back.

/** Codes the client uses when PDS gave no Spine code of its own. */
export type PdsTransportCode = 'NETWORK' | 'TIMEOUT' | 'INVALID_RESPONSE' | 'UNKNOWN';

/** A refused or failed PDS request. `status` is 0 when no HTTP answer arrived. */
export class PdsError extends Error {
  readonly status: number;
  /** Spine-ErrorOrWarningCode from the OperationOutcome (e.g. `INVALID_RESOURCE_ID`), or a transport code. */
  readonly code: string;
  /** PDS's diagnostics text; may quote the request, so keep it out of logs. */
  readonly diagnostics?: string;
  /** The X-Request-ID sent (the same on every retry), for tracing the call with NHS England. */
  readonly requestId: string;

  constructor(status: number, code: string, requestId: string, diagnostics?: string) {
    // The message names status and code only: diagnostics can echo personal data from the query.
    super(`PDS ${status === 0 ? 'request failed' : `answered ${status}`}: ${code} (X-Request-ID ${requestId})`);
    this.name = 'PdsError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
    if (diagnostics !== undefined) this.diagnostics = diagnostics;
  }
}

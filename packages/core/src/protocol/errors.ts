import { ParleyError } from '../errors.js';

/** One problem found in a frame: where (path inside the event) and what. */
export interface ProtocolIssue {
  /** Path inside the event, e.g. `['response', 'output', 0, 'type']`; empty for the frame itself. */
  path: Array<string | number>;
  /** What was wrong, in words. */
  message: string;
  /** zod issue code, or `invalid_json`, `too_large`, `too_deep`, `not_an_object`, `missing_type`. */
  code: string;
}

/**
 * A frame that did not match the protocol: bad JSON, too large or too deep, no `type`, or a known
 * event whose fields do not match its schema. Keeps every issue and the raw input, so a caller can
 * log or forward what arrived.
 */
export class ProtocolError extends ParleyError {
  override readonly name: string = 'ParleyError';
  /** Every issue found (zod issues for schema mismatches). */
  readonly issues: ProtocolIssue[];
  /** The input exactly as given to the parser (string or object). */
  readonly raw: unknown;
  /** The event `type`, when the frame had one. */
  readonly eventType: string | undefined;

  constructor(
    message: string,
    details: { issues: ProtocolIssue[]; raw: unknown; eventType?: string; cause?: unknown },
  ) {
    super('protocol', message, details.cause === undefined ? {} : { cause: details.cause });
    this.issues = details.issues;
    this.raw = details.raw;
    this.eventType = details.eventType;
  }
}

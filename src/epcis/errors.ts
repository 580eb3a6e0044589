/** Where a finding was made: syntax (not parseable), schema (JSON Schema / XSD rules), semantic, security. */
export type FindingKind = 'schema' | 'semantic' | 'syntax' | 'security';

/** One reason a document is invalid; `eventIndex` is the 0-based position of the event in document order. */
export interface Finding {
  eventIndex?: number;
  field: string;
  message: string;
  kind: FindingKind;
}

/** The EPCIS 2.0 exception types (EPCIS 2.0 §8.2.7 / REST binding `epcisException:*`). */
export type EpcisExceptionType = 'ValidationException' | 'ImplementationException' | 'CaptureLimitExceededException';

/**
 * Thrown by the pure EPCIS codecs when a document is not acceptable. The HTTP layer maps it to a problem document
 * of type `epcisException:<exceptionType>` (400 for ValidationException, 413 for CaptureLimitExceededException).
 */
export class EpcisValidationError extends Error {
  readonly findings: Finding[];
  readonly exceptionType: EpcisExceptionType;

  constructor(findings: Finding[], exceptionType: EpcisExceptionType = 'ValidationException') {
    const first = findings[0];
    super(
      first
        ? `${first.eventIndex === undefined ? '' : `event ${first.eventIndex}: `}${first.field}: ${first.message}` +
            (findings.length > 1 ? ` (and ${findings.length - 1} more)` : '')
        : 'invalid EPCIS document',
    );
    this.name = 'EpcisValidationError';
    this.findings = findings;
    this.exceptionType = exceptionType;
  }
}

/**
 * The one error type services raise. Codes form a closed set; `src/http/problem.ts` maps each code to an HTTP
 * status and an RFC 7807 problem document, so services never know about HTTP.
 */
export type ErrorCode =
  | 'validation' // the input is malformed or breaks a rule; `fields` names what
  | 'unauthenticated' // no valid credentials
  | 'forbidden' // known caller, not allowed
  | 'not_found' // absent, or invisible to this caller (never reveal which)
  | 'conflict' // unique key taken, state does not allow the change
  | 'unprocessable' // well-formed, but cannot be done as asked (an Idempotency-Key reused for another request)
  | 'gone' // existed, withdrawn
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_acceptable'
  | 'rate_limited'
  | 'unavailable' // a dependency is down or the service is locked
  | 'internal';

/** One offending field: a JSON-pointer-like path and a message in English plus a catalogue key for translation. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
  readonly messageKey?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: readonly FieldError[];
  /** Extra, safe-to-publish members for the problem document (e.g. an import report). */
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Overrides the problem `type` URI (EPCIS endpoints use `epcisException:*`). */
  readonly problemType: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      fields?: readonly FieldError[];
      details?: Record<string, unknown>;
      problemType?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.fields = options.fields ?? [];
    this.details = options.details;
    this.problemType = options.problemType;
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`);

export function invalid(field: string, message: string, messageKey?: string): AppError {
  return new AppError('validation', message, {
    fields: [messageKey === undefined ? { field, message } : { field, message, messageKey }],
  });
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

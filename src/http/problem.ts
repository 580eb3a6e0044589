import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, type FieldError } from '../shared/errors.ts';
import { localeFromAcceptLanguage, t } from '../shared/messages.ts';

/** The one place where error codes become HTTP statuses and RFC 7807 problem documents. */
export const STATUS: Readonly<Record<ErrorCode, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_acceptable: 406,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** EPCIS 2.0 REST binding exception types for errors raised under `/epcis` without a more specific type. */
const EPCIS_TYPES: Partial<Record<ErrorCode, string>> = {
  validation: 'epcisException:ValidationException',
  unauthenticated: 'epcisException:SecurityException',
  forbidden: 'epcisException:SecurityException',
  not_found: 'epcisException:NoSuchResourceException',
  payload_too_large: 'epcisException:CaptureLimitExceededException',
  internal: 'epcisException:ImplementationException',
  unavailable: 'epcisException:ImplementationException',
};

function problemType(error: AppError, request: FastifyRequest): string {
  if (error.problemType) return error.problemType;
  const epcis = request.url.startsWith('/epcis') ? EPCIS_TYPES[error.code] : undefined;
  return epcis ?? `/problems/${error.code}`;
}

export function problemFor(error: AppError, request: FastifyRequest): ProblemDocument {
  const status = STATUS[error.code];
  const locale = localeFromAcceptLanguage(request.headers['accept-language']);
  const doc: ProblemDocument = {
    ...(error.details ?? {}),
    type: problemType(error, request),
    title: t(locale, `problem.${error.code}`),
    status,
    code: error.code,
    instance: request.url.split('?')[0]!,
  };
  // 5xx never carries internals: the message stays in the log.
  if (status < 500) doc.detail = error.message;
  if (error.fields.length > 0) {
    doc.errors = error.fields.map((f) => ({
      field: f.field,
      message: f.messageKey ? t(locale, f.messageKey) : f.message,
      ...(f.messageKey ? { messageKey: f.messageKey } : {}),
    }));
  }
  return doc;
}

/** Translates framework and unknown errors into AppErrors, keeping only what is safe to publish. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError & {
    validation?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
    validationContext?: string;
  };
  if (Array.isArray(fe.validation)) {
    const where = fe.validationContext ?? 'body';
    const fields = fe.validation.map((v) => {
      const missing = typeof v.params?.missingProperty === 'string' ? `/${v.params.missingProperty}` : '';
      const extra = typeof v.params?.additionalProperty === 'string' ? `/${v.params.additionalProperty}` : '';
      return { field: `${where}${v.instancePath ?? ''}${missing}${extra}`, message: v.message ?? 'invalid' };
    });
    return new AppError('validation', `Request ${where} is invalid`, { fields });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
      return new AppError('payload_too_large', 'The request body is larger than allowed');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'This content type is not accepted here');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation', fe.message);
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('unsupported_media_type', 'Expected multipart/form-data');
    default:
      break;
  }
  if (error instanceof SyntaxError) return new AppError('validation', `Malformed body: ${error.message}`);
  // SQLSTATE class 22 (data exception): a value from the request the database cannot hold or compare (a NUL
  // byte in text, a number beyond its column's range, a date out of range). Values are always bound parameters,
  // so this is the caller's input, not an injection: answer 400 rather than 500.
  if (isDataException(error))
    return new AppError(
      'validation',
      'A value in the request cannot be stored or compared (out of range or a NUL byte)',
    );
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 404) return new AppError('not_found', 'Not found');
  if (status === 429) return new AppError('rate_limited', 'Too many requests');
  if (status >= 400 && status < 500) return new AppError('validation', fe.message);
  return new AppError('internal', 'Internal error', { cause: error });
}

function isDataException(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof severity === 'string';
}

export async function sendProblem(reply: FastifyReply, request: FastifyRequest, error: unknown): Promise<void> {
  const appError = toAppError(error);
  const status = STATUS[appError.code];
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: appError.code, detail: appError.message }, 'request rejected');
  const retryAfter = appError.details?.retryAfter;
  if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  await reply
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemFor(appError, request)));
}

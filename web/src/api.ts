/**
 * The platform API as the back-office uses it: same-origin requests with the session cookie, the CSRF token on
 * every change, the interface language in Accept-Language (problem documents come back in it), and RFC 7807
 * problem documents turned into `ApiError`s the screens can show.
 */

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** A problem document from the server, or a network failure (`status` 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly fields: readonly FieldProblem[];
  /** The problem document's `report` member when it has one (an import's row-by-row report), as sent. */
  readonly report: unknown;

  constructor(
    status: number,
    code: string,
    title: string,
    detail?: string,
    fields: readonly FieldProblem[] = [],
    report?: unknown,
  ) {
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = detail;
    this.fields = fields;
    this.report = report;
  }

  /** True when the request never reached the server (offline, DNS, connection reset). */
  get network(): boolean {
    return this.status === 0;
  }
}

let csrfToken: string | undefined;
let language = 'vi';

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function setApiLanguage(lang: string): void {
  language = lang;
}

export interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Further request headers (e.g. `X-Truyxuat-Channel` on a capture). */
  readonly headers?: Readonly<Record<string, string>>;
  /** `Idempotency-Key` of a POST that creates an object: the same for every retry of one form submission. */
  readonly idempotencyKey?: string;
}

/** A fresh `Idempotency-Key` (random, 128 bits; `crypto.randomUUID` exists only in secure contexts). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    ...options.headers,
    accept: 'application/json, application/problem+json',
    'accept-language': language === 'en' ? 'en' : 'vi',
  };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.body instanceof FormData) body = options.body;
    else {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'network', e instanceof Error ? e.message : String(e));
  }
  if (!response.ok) throw await problemOf(response);
  return response;
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const doc = (await response.json()) as {
        code?: string;
        title?: string;
        detail?: string;
        errors?: { field?: string; message?: string }[];
        report?: unknown;
      };
      const fields = (doc.errors ?? []).map((e) => ({ field: e.field ?? '', message: e.message ?? '' }));
      return new ApiError(
        response.status,
        doc.code ?? String(response.status),
        doc.title ?? response.statusText,
        doc.detail,
        fields,
        doc.report,
      );
    } catch {
      // Not a problem document after all: fall through to the status line.
    }
  }
  return new ApiError(response.status, String(response.status), response.statusText || String(response.status));
}

/** A JSON request; answers `undefined` for 204. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Builds a query string from the defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

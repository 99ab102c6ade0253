/**
 * The one place the web app talks HTTP. Same-origin JSON with the session cookie, the chosen
 * language as Accept-Language, the CSRF token on every state-changing call, and errors turned
 * into ApiError carrying the server's (already localized) message and per-field messages.
 */

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];

  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ClientState {
  lang: string;
  csrfToken: string | null;
  /** Messages used when the server gave no usable error body (network down, proxy page). */
  fallback: (key: 'network' | 'unexpected', status?: number) => string;
  onUnauthenticated: () => void;
}

const state: ClientState = {
  lang: 'zh-CN',
  csrfToken: null,
  fallback: (key) => (key === 'network' ? 'Network error' : 'Unexpected error'),
  onUnauthenticated: () => {},
};

export function setApiLanguage(lang: string): void {
  state.lang = lang;
}

export function setCsrfToken(token: string | null): void {
  state.csrfToken = token;
}

export function setFallbackMessages(fn: ClientState['fallback']): void {
  state.fallback = fn;
}

/** Called when a signed-in call answers 401, so the app can drop its session and show the sign-in page. */
export function setOnUnauthenticated(fn: () => void): void {
  state.onUnauthenticated = fn;
}

export interface RequestOptions {
  idempotencyKey?: string;
  /** Do not treat a 401 as "session expired" (sign-in calls answer 401 for a wrong password). */
  anonymous?: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFields(raw: unknown): FieldError[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).map((f) => ({
    field: String(f.field ?? ''),
    code: String(f.code ?? ''),
    message: String(f.message ?? ''),
  }));
}

export async function request<T>(method: Method, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': state.lang,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrfToken) headers['X-CSRF-Token'] = state.csrfToken;
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;

  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', state.fallback('network'));
  }

  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }

  if (!res.ok) {
    const err = isRecord(data) && isRecord(data.error) ? data.error : null;
    const apiError = err
      ? new ApiError(
          res.status,
          String(err.code ?? `HTTP_${res.status}`),
          String(err.message ?? state.fallback('unexpected', res.status)),
          parseFields(err.fields),
        )
      : new ApiError(res.status, `HTTP_${res.status}`, state.fallback('unexpected', res.status));
    if (res.status === 401 && !opts.anonymous && apiError.code === 'UNAUTHENTICATED') state.onUnauthenticated();
    throw apiError;
  }
  return data as T;
}

/**
 * One Idempotency-Key per form submission: the same body sent again (a retry after a timeout or
 * a double click that slipped through) reuses the key; a changed body gets a new one.
 */
export function createIdempotencyKeeper(): { keyFor(body: unknown): string; reset(): void } {
  let last: { body: string; key: string } | null = null;
  return {
    keyFor(body: unknown): string {
      const json = JSON.stringify(body);
      if (last && last.body === json) return last.key;
      last = { body: json, key: crypto.randomUUID() };
      return last.key;
    },
    reset(): void {
      last = null;
    },
  };
}

/**
 * The one place the web app talks HTTP. Same-origin JSON with the session cookie, the chosen
 * language as Accept-Language, the CSRF token on every state-changing call, and errors turned
 * into ApiError carrying the server's (already localized) message and per-field messages.
 */

import { ApiError, type FieldError } from './api-error.ts';

export { ApiError, type FieldError } from './api-error.ts';
export { createIdempotencyKeeper, isDefiniteRefusal } from './idempotency.ts';

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
  return settle<T>(res.status, await res.text(), opts);
}

/** Turns a response's status and text into the parsed body, or throws the ApiError it carries. */
function settle<T>(status: number, text: string, opts: RequestOptions): T {
  let data: unknown;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }

  if (status < 200 || status > 299) {
    const err = isRecord(data) && isRecord(data.error) ? data.error : null;
    const apiError = err
      ? new ApiError(
          status,
          String(err.code ?? `HTTP_${status}`),
          String(err.message ?? state.fallback('unexpected', status)),
          parseFields(err.fields),
          isRecord(err.detail) ? err.detail : null,
        )
      : new ApiError(status, `HTTP_${status}`, state.fallback('unexpected', status));
    if (status === 401 && !opts.anonymous && apiError.code === 'UNAUTHENTICATED') state.onUnauthenticated();
    throw apiError;
  }
  return data as T;
}

export interface UploadOptions extends RequestOptions {
  /** Share of the body sent so far, 0–1; it reaches 1 before the server has answered. */
  onProgress?: (fraction: number) => void;
}

/**
 * POSTs raw bytes (an image) as the body, with the same headers and error handling as `request`.
 * Uses XMLHttpRequest because fetch reports no upload progress.
 */
export function uploadBinary<T>(path: string, body: Blob, opts: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', state.lang);
    xhr.setRequestHeader('Content-Type', body.type || 'application/octet-stream');
    if (state.csrfToken) xhr.setRequestHeader('X-CSRF-Token', state.csrfToken);
    if (opts.idempotencyKey) xhr.setRequestHeader('Idempotency-Key', opts.idempotencyKey);
    const onProgress = opts.onProgress;
    if (onProgress) {
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.upload.onload = () => onProgress(1);
    }
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', state.fallback('network')));
    xhr.onabort = () => reject(new ApiError(0, 'NETWORK', state.fallback('network')));
    xhr.onload = () => {
      try {
        resolve(settle<T>(xhr.status, xhr.responseText, opts));
      } catch (err) {
        reject(err);
      }
    };
    xhr.send(body);
  });
}

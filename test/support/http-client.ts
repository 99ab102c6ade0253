import type { FastifyInstance } from 'fastify';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A browser stand-in over fastify.inject: keeps the session cookie, sends the CSRF token the session
 * gave it, and comes from its own IP address so per-IP limits can be tested.
 */
export class HttpClient {
  cookie: string | undefined;
  csrf: string | undefined;
  lang = 'zh-CN';

  constructor(
    private readonly fastify: FastifyInstance,
    readonly ip: string,
    readonly owner?: unknown,
  ) {}

  get<T = any>(url: string, headers: Record<string, string> = {}) {
    return this.request<T>('GET', url, undefined, headers);
  }

  post<T = any>(url: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('POST', url, body, headers);
  }

  put<T = any>(url: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('PUT', url, body, headers);
  }

  patch<T = any>(url: string, body?: unknown, headers: Record<string, string> = {}) {
    return this.request<T>('PATCH', url, body, headers);
  }

  /** Sends a raw payload with the given content type (for malformed-body tests). */
  async raw(
    method: Method,
    url: string,
    payload: string | Buffer,
    contentType: string,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    return this.send(method, url, payload, { ...headers, 'content-type': contentType });
  }

  async request<T>(method: Method, url: string, body: unknown, headers: Record<string, string>): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = 'application/json';
    return this.send(method, url, body === undefined ? undefined : JSON.stringify(body), h);
  }

  private async send(method: Method, url: string, payload: string | Buffer | undefined, headers: Record<string, string>): Promise<Res> {
    const h: Record<string, string> = { 'accept-language': this.lang, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET' && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrf;
    const res = await this.fastify.inject({ method, url, headers: h, remoteAddress: this.ip, ...(payload !== undefined && { payload }) });
    const setCookie = res.headers['set-cookie'];
    for (const c of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair = ''] = c.split(';');
      const [name, value] = pair.split('=');
      if (name === 'pd_session') this.cookie = value ? `pd_session=${value}` : undefined;
    }
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed) this.csrf = String((parsed as { csrfToken: string }).csrfToken);
    return { status: res.statusCode, body: parsed as any, headers: res.headers as Res['headers'], text: res.body };
  }
}

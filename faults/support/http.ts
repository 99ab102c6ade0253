/** What a client got back for one HTTP attempt: an answer, or nothing (the server died or never listened). */
export type Answer = { status: number; body: unknown } | { status: 'no answer'; error: string };

export interface PaymentView {
  id: string;
  orderId: string;
  outTradeNo: string;
  status: string;
  amountFen: number;
  refundedFen: number;
  codeText: string | null;
  failureCode: string | null;
}

export interface RefundView {
  id: string;
  paymentId: string;
  amountFen: number;
  status: string;
}

/** The error code of an answer in our error shape ({"error": {"code", "message"}}), or undefined if it is not one. */
export function errorCode(answer: Answer): string | undefined {
  if (answer.status === 'no answer') return undefined;
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string' && error.message !== '' ? error.code : undefined;
}

/** A signed-in person's cookie session, as a till or the back office would hold it. */
export class Session {
  constructor(
    private readonly base: string,
    private cookie: string,
    private csrf: string,
  ) {}

  static async signIn(base: string, login: string, password: string): Promise<Session> {
    const session = new Session(base, '', '');
    const answer = await session.send('POST', '/api/auth/login', { login, password });
    if (answer.status !== 200) throw new Error(`sign-in as ${login} failed: ${JSON.stringify(answer)}`);
    return session;
  }

  /** Opens the store's first station on this session, as a cashier does at the start of a shift. */
  async openFirstStation(): Promise<void> {
    const stations = await this.send('GET', '/api/stations');
    const stationId = (stations.status === 200 && (stations.body as { items: { id: string }[] }).items[0]?.id) || undefined;
    const opened = await this.send('POST', '/api/auth/station', { stationId });
    if (opened.status !== 200) throw new Error(`opening a station failed: ${JSON.stringify(opened)}`);
  }

  get(path: string): Promise<Answer> {
    return this.send('GET', path);
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.send('POST', path, body, headers);
  }

  async send(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const h: Record<string, string> = { 'accept-language': 'en', ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (method !== 'GET') {
      h['content-type'] = 'application/json';
      if (this.csrf) h['x-csrf-token'] = this.csrf;
    }
    try {
      const res = await fetch(`${this.base}${path}`, {
        method,
        headers: h,
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      const cookie = res.headers.get('set-cookie')?.split(';')[0];
      if (cookie?.startsWith('pd_session=')) this.cookie = cookie;
      const parsed = parse(text);
      const csrf = (parsed as { csrfToken?: unknown } | undefined)?.csrfToken;
      if (typeof csrf === 'string') this.csrf = csrf;
      return { status: res.status, body: parsed };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      return { status: 'no answer', error: cause?.code ?? cause?.message ?? (err as Error).message };
    }
  }
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

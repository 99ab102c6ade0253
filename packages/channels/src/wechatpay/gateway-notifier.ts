import { randomUUID } from 'node:crypto';
import { encryptResource, newNonce, type SignedHeaders } from './crypto.ts';
import { beijingTime, type NotificationBody, type NotificationEvent } from './protocol.ts';

/** WeChat's retry schedule when a notification is not acknowledged (payments.md §3). */
export const wechatRetryDelaysMs = [15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600].map(
  (s) => s * 1000,
);

/** How the gateway misbehaves with the notifications it sends from now on. */
export interface NotificationPolicy {
  /** Send each one this many extra times after the first delivery. */
  duplicates: number;
  /** Wait this long before the first attempt. */
  delayMs: number;
  /** Never send them: only a query will find out. */
  lose: boolean;
}

export interface Delivery {
  id: string;
  eventType: NotificationEvent;
  outTradeNo: string;
  outRefundNo?: string;
  /** 1 for the first attempt, counting retries and duplicates. */
  attempt: number;
  /** The merchant's HTTP status, or what went wrong reaching it. */
  status?: number;
  error?: string;
  lost?: boolean;
  at: number;
}

export interface NotificationTarget {
  url: string;
  apiV3Key: string;
}

interface Prepared {
  target: NotificationTarget;
  body: string;
  ref: { id: string; eventType: NotificationEvent; outTradeNo: string; outRefundNo?: string };
}

/**
 * Sends the gateway's notifications the way WeChat does: the resource encrypted with the merchant's APIv3
 * key, the body signed afresh at each attempt, retried on the published schedule until acknowledged
 * with 2xx. A test or a person can make it duplicate, delay or lose them.
 */
export class Notifier {
  policy: NotificationPolicy = { duplicates: 0, delayMs: 0, lose: false };
  readonly log: Delivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly last = new Map<string, Prepared>();
  private readonly closing = new AbortController();

  constructor(
    private readonly o: {
      sign: (body: string) => SignedHeaders;
      now: () => number;
      retryDelaysMs: number[];
    },
  ) {}

  notify(
    target: NotificationTarget,
    eventType: NotificationEvent,
    summary: string,
    resource: { originalType: 'transaction' | 'refund'; plaintext: object },
    ref: { outTradeNo: string; outRefundNo?: string },
  ): void {
    const nonce = newNonce().slice(0, 12);
    const associatedData = resource.originalType;
    const body: NotificationBody = {
      id: randomUUID(),
      create_time: beijingTime(this.o.now()),
      event_type: eventType,
      resource_type: 'encrypt-resource',
      summary,
      resource: {
        original_type: resource.originalType,
        algorithm: 'AEAD_AES_256_GCM',
        ciphertext: encryptResource(target.apiV3Key, JSON.stringify(resource.plaintext), associatedData, nonce),
        associated_data: associatedData,
        nonce,
      },
    };
    const prepared: Prepared = { target, body: JSON.stringify(body), ref: { id: body.id, eventType, ...ref } };
    this.last.set(ref.outRefundNo ?? ref.outTradeNo, prepared);
    const policy = { ...this.policy };
    if (policy.lose) {
      this.log.push({ ...prepared.ref, attempt: 0, lost: true, at: this.o.now() });
      return;
    }
    this.track(this.deliver(prepared, policy));
  }

  /** Sends the last notification about a trade (or refund) once more, as WeChat's duplicates do. */
  resend(key: string): void {
    const prepared = this.last.get(key);
    if (!prepared) throw new Error(`no notification was sent about ${key}`);
    this.track(this.attempt(prepared, this.attemptsOf(prepared) + 1).then(() => undefined));
  }

  /** Resolves when every notification started so far has been delivered, retried to the end, or lost. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.closing.abort();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private attemptsOf(prepared: Prepared): number {
    return this.log.filter((d) => d.id === prepared.ref.id && !d.lost).length;
  }

  private async deliver(prepared: Prepared, policy: NotificationPolicy): Promise<void> {
    if (policy.delayMs > 0 && !(await this.sleep(policy.delayMs))) return;
    let attempt = 1;
    let acked = await this.attempt(prepared, attempt);
    for (const delay of this.o.retryDelaysMs) {
      if (acked) break;
      if (!(await this.sleep(delay))) return;
      attempt += 1;
      acked = await this.attempt(prepared, attempt);
    }
    for (let copy = 0; copy < policy.duplicates; copy += 1) {
      attempt += 1;
      await this.attempt(prepared, attempt);
    }
  }

  private async attempt(prepared: Prepared, attempt: number): Promise<boolean> {
    if (this.closing.signal.aborted) return false;
    const h = this.o.sign(prepared.body);
    const delivery: Delivery = { ...prepared.ref, attempt, at: this.o.now() };
    try {
      const response = await fetch(prepared.target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mozilla/4.0',
          'wechatpay-timestamp': h.timestamp,
          'wechatpay-nonce': h.nonce,
          'wechatpay-signature': h.signature,
          'wechatpay-serial': h.serial,
          'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
        },
        body: prepared.body,
        // WeChat gives the merchant 5 s to answer.
        signal: AbortSignal.any([AbortSignal.timeout(5000), this.closing.signal]),
      });
      await response.arrayBuffer();
      delivery.status = response.status;
    } catch (err) {
      delivery.error = (err as Error).message;
    }
    this.log.push(delivery);
    return delivery.status !== undefined && delivery.status >= 200 && delivery.status < 300;
  }

  /** Waits, unless the gateway closes first; says whether to go on. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.closing.signal.aborted) return resolve(false);
      const onClose = () => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.closing.signal.removeEventListener('abort', onClose);
        resolve(true);
      }, ms);
      this.closing.signal.addEventListener('abort', onClose, { once: true });
    });
  }
}

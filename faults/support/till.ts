import { setTimeout as sleep } from 'node:timers/promises';
import type { SimDecision } from '../../apps/server/src/simulator/gateway.ts';
import { type Answer, errorCode, type PaymentView } from './http.ts';
import type { SeededRandom } from './random.ts';
import type { Staff } from './shop.ts';

/** The sales a till rings up: what the customer's wallet (or the cash drawer) will do is chosen in advance. */
export type SaleKind = 'code_pays' | 'code_pays_late' | 'code_fails' | 'dynamic_unpaid' | 'dynamic_scanned' | 'cash';
export type Job = SaleKind | 'refund' | 'customer_pays' | 'query' | 'cancel' | 'outage';

/** The simulator behaviour behind each kind of customer payment code. */
export const codeBehaviours: Record<'code_pays' | 'code_pays_late' | 'code_fails', SimDecision> = {
  code_pays: { action: 'pay' },
  code_pays_late: { action: 'pay_after', seconds: 1 },
  code_fails: { action: 'fail', failCode: 'NOTENOUGH' },
};

export interface Request {
  as: 'cashier' | 'manager';
  path: string;
  body: unknown;
  headers?: Record<string, string>;
}

/** One thing a till asked of the server, with every answer it got (an attempt per answer, retries included). */
export interface Operation {
  job: Job;
  request: Request;
  /** Test-process time when the operation started. */
  startedAt: number;
  orderId?: string;
  /** For a refund: the payment it refunds. */
  paymentId?: string;
  amountFen: number;
  /** For a refund: its Idempotency-Key, also written into its reason so the refund row can be traced to it. */
  key?: string;
  answers: Answer[];
  /** What the cashier screen showed afterwards, while it waited on a pending payment (GET /api/payments/:id). */
  seen: PaymentView[];
}

export const refundReason = (key: string) => `faults refund ${key}`;

/** Sends one request once and records it: for scenarios that drive the API step by step rather than by tills. */
export async function sendOnce(
  operations: Operation[],
  staff: Staff,
  job: Job,
  request: Request,
  fields: Partial<Operation> = {},
): Promise<Answer> {
  const op: Operation = { job, request, startedAt: Date.now(), amountFen: 0, answers: [], seen: [], ...fields };
  operations.push(op);
  const answer = await staff[request.as].post(request.path, request.body, request.headers);
  op.answers.push(answer);
  // A payment the cashier screen shows (a query or a cancel answers with it) is acknowledged as it shows.
  if (answer.status === 200 && (job === 'query' || job === 'cancel')) op.seen.push(answer.body as PaymentView);
  return answer;
}

/**
 * Tills under load: each client rings up sales one after another, with a client-made order id, and
 * refunds some of the sales it saw paid. A request that got no answer (the server was killed) or a 503 is
 * sent again, unchanged, once the server is back, as a till with an unsent sale would.
 */
export class Till {
  readonly operations: Operation[] = [];
  /** Sales the till saw succeed, that may be refunded. */
  private readonly refundable: { paymentId: string; amountFen: number }[] = [];

  constructor(
    private readonly staff: Staff,
    private readonly random: SeededRandom,
    private readonly codes: Record<keyof typeof codeBehaviours, string[]>,
    private readonly whenUp: () => Promise<void>,
    private readonly mix: Partial<Record<SaleKind | 'refund', number>>,
  ) {}

  async run(clients: number, stop: AbortSignal): Promise<void> {
    await Promise.all(Array.from({ length: clients }, () => this.client(stop)));
  }

  /**
   * The requests still without an answer, or told "in progress", sent once more: what a till's queue of
   * unsent sales does when the server is back.
   */
  async retryUnfinished(): Promise<void> {
    const unfinished = this.operations.filter((op) => {
      const last = op.answers.at(-1);
      return (
        last !== undefined &&
        (last.status === 'no answer' ||
          ['IDEMPOTENCY_IN_PROGRESS', 'PAYMENT_IN_PROGRESS', 'REFUND_IN_PROGRESS'].includes(errorCode(last) ?? ''))
      );
    });
    await Promise.all(unfinished.map((op) => this.send(op)));
  }

  private async client(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const job = this.random.weighted(this.mix as Record<SaleKind | 'refund', number>);
      const sent = job === 'refund' ? await this.refund() : await this.sale(job);
      // Nothing to refund or no code left: give the event loop a turn rather than spin on resolved promises.
      if (!sent) await sleep(20);
    }
  }

  /** Returns whether a sale was rung up (false: no payment code of that kind is left). */
  private async sale(kind: SaleKind): Promise<boolean> {
    const payment = this.paymentFor(kind);
    if (!payment) return false;
    const amountFen = this.random.between(1, 50_000);
    const orderId = `faults-${this.random.hex(20)}`;
    const op = this.begin(
      kind,
      { as: 'cashier', path: '/api/checkout', body: { id: orderId, amountFen, payment } },
      { orderId, amountFen },
    );
    const answer = await this.send(op);
    if (answer?.status !== 201) return true;
    let view = answer.body as PaymentView;
    if (kind === 'dynamic_scanned' && view.status === 'pending' && view.codeText) await this.customerScans(view.codeText);
    if (view.status === 'pending' && (kind === 'dynamic_scanned' || kind === 'code_pays_late'))
      view = (await this.watch(op, view.id)) ?? view;
    if (view.status === 'succeeded') this.refundable.push({ paymentId: view.id, amountFen: view.amountFen });
    return true;
  }

  private paymentFor(kind: SaleKind): Record<string, unknown> | undefined {
    switch (kind) {
      case 'cash':
        return { flow: 'cash' };
      case 'dynamic_unpaid':
      case 'dynamic_scanned':
        // The shortest expiry the API takes: the unpaid ones are closed by the worker at the end of the run.
        return { flow: 'dynamic_code', method: 'wechatpay', expiresInMinutes: 1 };
      default: {
        const authCode = this.codes[kind].pop();
        return authCode ? { flow: 'code_pay', authCode } : undefined;
      }
    }
  }

  /** The customer scans the dynamic code on the display and pays (the simulator's phone page). */
  private async customerScans(codeText: string): Promise<void> {
    const tradeNo = new URL(codeText).searchParams.get('trade') ?? '';
    const op = this.begin('customer_pays', {
      as: 'cashier',
      path: `/api/sim/trades/${encodeURIComponent(tradeNo)}/decide`,
      body: { decision: { action: 'pay' } },
    });
    await this.send(op);
  }

  /** The cashier screen polls a pending payment for a few seconds, as the till does while the customer pays. */
  private async watch(op: Operation, paymentId: string): Promise<PaymentView | undefined> {
    for (let i = 0; i < 12; i += 1) {
      await sleep(700);
      await this.whenUp();
      const answer = await this.staff.cashier.get(`/api/payments/${paymentId}`);
      if (answer.status !== 200) continue;
      const { payment } = answer.body as { payment: PaymentView };
      op.seen.push(payment);
      if (payment.status !== 'pending' && payment.status !== 'created') return payment;
    }
    return undefined;
  }

  /** Returns whether a refund was asked for (false: no sale seen paid is left to refund). */
  private async refund(): Promise<boolean> {
    const target = this.refundable.splice(this.random.between(0, this.refundable.length - 1), 1)[0];
    if (!target || target.amountFen < 2) return false;
    // At most half: a refund carried out twice would still fit in the payment, and show in the books
    // instead of being refused as exceeding it.
    const amountFen = this.random.between(1, Math.floor(target.amountFen / 2));
    const key = `rf-${this.random.hex(20)}`;
    const op = this.begin(
      'refund',
      {
        as: 'manager',
        path: `/api/payments/${target.paymentId}/refunds`,
        body: { amountFen, reason: refundReason(key) },
        headers: { 'idempotency-key': key },
      },
      { paymentId: target.paymentId, amountFen, key },
    );
    await this.send(op);
    return true;
  }

  private begin(job: Job, request: Request, fields: Partial<Operation> = {}): Operation {
    const op: Operation = { job, request, startedAt: Date.now(), amountFen: 0, answers: [], seen: [], ...fields };
    this.operations.push(op);
    return op;
  }

  /** Sends the operation's request until it gets an answer other than "none" or 503 (at most 40 tries). */
  private async send(op: Operation): Promise<Answer | undefined> {
    const session = this.staff[op.request.as];
    for (let attempt = 0; attempt < 40; attempt += 1) {
      await this.whenUp();
      const answer = await session.post(op.request.path, op.request.body, op.request.headers);
      op.answers.push(answer);
      if (answer.status === 503) await sleep(250);
      else if (answer.status !== 'no answer') return answer;
    }
    return undefined;
  }
}

import type { PaymentService } from '../services/payment.service.ts';
import type { SimulatorGateway } from '../simulator/gateway.ts';
import type { OutboxHandler } from './outbox-worker.ts';

interface PaymentJob {
  merchantId: string;
  paymentId: string;
  attempt?: number;
  afterCancel?: boolean;
}

/** The payment side effects the worker runs: re-queries, closes at expiry, refunds. */
export function paymentHandlers(payments: PaymentService): Record<string, OutboxHandler> {
  return {
    'payment.requery': async (payload) => {
      const job = payload as PaymentJob;
      await payments.requeryFromWorker(job.merchantId, job.paymentId, job.attempt ?? 0, job.afterCancel === true);
    },
    'payment.expire': async (payload) => {
      const job = payload as PaymentJob;
      await payments.expire(job.merchantId, job.paymentId);
    },
    'refund.run': async (payload) => {
      const job = payload as { merchantId: string; refundId: string };
      // Still processing at the channel: throwing makes the worker try again with backoff.
      if (await payments.runRefund(job.merchantId, job.refundId)) throw new Error('refund still processing');
    },
  };
}

/** The simulator gateway's own deliveries: its notifications and its delayed settlements. */
export function simulatorHandlers(
  gateway: SimulatorGateway,
  deliver: (merchantId: string, outTradeNo: string) => Promise<void>,
): Record<string, OutboxHandler> {
  return {
    'sim.notify': async (payload) => {
      const job = payload as { merchantId: string; outTradeNo: string };
      await deliver(job.merchantId, job.outTradeNo);
    },
    'sim.settle': async (payload) => {
      const job = payload as { merchantId: string; outTradeNo: string; notify?: object };
      await gateway.settle(job.merchantId, job.outTradeNo, job.notify ?? {});
    },
  };
}

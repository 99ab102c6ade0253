import { type PaymentChannel, SimulatorChannel } from '@paydesk/channels';
import type { AppContext } from '../context.ts';
import type { SimulatorGateway } from '../simulator/gateway.ts';

/**
 * Picks the adapter that carries a payment. Until a merchant connects a real wallet account, every
 * wallet payment goes to the simulator: that is how owners test their set-up and staff practise.
 */
export class ChannelRouter {
  constructor(
    private readonly ctx: AppContext,
    private readonly gateway: SimulatorGateway,
  ) {}

  forPayment(merchantId: string, channel: string): PaymentChannel {
    if (channel !== 'simulator') throw new Error(`channel ${channel} is not available`);
    return this.simulator(merchantId);
  }

  channelFor(_merchantId: string, _method: string): string {
    return 'simulator';
  }

  simulator(merchantId: string): SimulatorChannel {
    return new SimulatorChannel({
      merchantId,
      key: this.gateway.key(merchantId),
      now: this.ctx.now,
      transport: { call: (m, op, request) => this.gateway.handle(m, op, request) },
    });
  }
}

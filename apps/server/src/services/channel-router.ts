import { type PaymentChannel, SimulatorChannel } from '@paydesk/channels';
import type { ChannelAccount } from '@paydesk/db';
import type { AppContext } from '../context.ts';
import type { SimulatorGateway } from '../simulator/gateway.ts';
import { type WalletAdapter, walletAdapterOf, walletNotifyUrl } from './channel-account.service.ts';

/** Which adapter carries a payment: the channel, and for a wallet the merchant's account that was used. */
export interface ChannelRoute {
  channel: 'simulator' | 'wechatpay' | 'alipay';
  accountId: string | null;
}

/**
 * Picks the adapter that carries a payment. A wallet payment goes through the merchant's own account for
 * that wallet (the store's account before the merchant-wide one); until the merchant connects one, it goes
 * to the simulator: that is how owners test their set-up and staff practise.
 */
export class ChannelRouter {
  /**
   * Adapters by account, with the stored row they were built from: keys are parsed once, and a save (in
   * this process or another) changes the row, so a stale adapter is never used.
   */
  private readonly adapters = new Map<string, { config: string; sealed: string | null; adapter: WalletAdapter }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly gateway: SimulatorGateway,
  ) {}

  /**
   * The route of a new payment and the adapter that will carry it, from one read of the accounts. The
   * adapter is built here, before anything is written: an account whose keys cannot be used refuses the
   * sale, not half of it.
   */
  async routeFor(merchantId: string, method: string, storeId: string): Promise<{ route: ChannelRoute; adapter: PaymentChannel }> {
    if (method === 'wechatpay' || method === 'alipay') {
      const account = await this.ctx.repos.channelAccounts.findFor(merchantId, method, storeId);
      if (account) return { route: { channel: method, accountId: account.id }, adapter: this.forAccount(account) };
    }
    return { route: { channel: 'simulator', accountId: null }, adapter: this.simulator(merchantId) };
  }

  /** The adapter of a route chosen earlier: a payment's queries and refunds go back to the account that carried it. */
  async forPayment(merchantId: string, channel: string, accountId: string | null): Promise<PaymentChannel> {
    if (channel === 'simulator') return this.simulator(merchantId);
    const account = accountId ? await this.ctx.repos.channelAccounts.findById(merchantId, accountId) : undefined;
    if (!account || account.kind !== channel) throw new Error(`channel ${channel} (account ${accountId}) is not available`);
    return this.forAccount(account);
  }

  /** Whatever its status: a disabled or retired account still serves the payments it carried. */
  forAccount(account: ChannelAccount): WalletAdapter {
    const cached = this.adapters.get(account.id);
    if (cached && cached.config === account.config && cached.sealed === account.secrets_sealed) return cached.adapter;
    const adapter = walletAdapterOf(this.ctx, account);
    this.adapters.set(account.id, { config: account.config, sealed: account.secrets_sealed, adapter });
    return adapter;
  }

  notifyUrl(route: ChannelRoute): string {
    if (route.channel !== 'simulator' && route.accountId) return walletNotifyUrl(this.ctx, { id: route.accountId, kind: route.channel });
    return `${this.ctx.config.publicUrl}/api/notify/simulator`;
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

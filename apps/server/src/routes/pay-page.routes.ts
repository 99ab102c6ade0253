import type { CollectionCode } from '@paydesk/db';
import { detectWalletApp, parseYuan } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { payPage, stopPage, type WalletOption } from '../pay-page/pay-page.view.ts';
import { renderQrPng } from '../qr/render.ts';

const PublicId = Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const htmlErrors = {
  200: Type.String({ description: 'HTML page, or the PNG of the wallet code' }),
  302: Type.Null({ description: 'Alipay: sent straight to the shop’s Alipay code' }),
  404: Type.String({ description: 'HTML page: no such code' }),
  409: Type.String({ description: 'HTML page: the code is not valid yet' }),
  410: Type.String({ description: 'HTML page: the code is disabled or expired; it takes no money' }),
};
const labels = { wechatpay: '微信支付', alipay: '支付宝', unionpay: '云闪付' } as const;
const walletProviders: Record<string, keyof typeof labels> = {
  wechat: 'wechatpay',
  alipay: 'alipay',
  unionpay: 'unionpay',
  emvco: 'unionpay',
};

// The customer's phone gets a small server-rendered page: no script, fast on a weak connection.
const security = {
  'content-security-policy':
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function send(reply: FastifyReply, status: number, body: string) {
  return reply.status(status).headers(security).type('text/html; charset=utf-8').send(body);
}

/**
 * The shop's own pay page behind a generated store code (/p/<id>): one code for every wallet, the wallet
 * chosen from the scanning app. A disabled, expired or not-yet-valid code shows why and offers no way to pay.
 */
export function payPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  /** The wallet codes bound where this Paydesk code is: station bindings first, then the store's. */
  async function walletsBehind(code: CollectionCode, publicId: string): Promise<WalletOption[]> {
    const scopes = [code.station_id, `store:${code.store_id}`].filter((s): s is string => s !== null);
    const bindings = (await ctx.repos.bindings.list(code.merchant_id, { storeId: code.store_id, activeOnly: true })).filter((b) =>
      scopes.includes(b.scope_key),
    );
    const options: WalletOption[] = [];
    const now = ctx.now();
    for (const method of ['wechatpay', 'alipay', 'unionpay'] as const) {
      const binding = scopes.map((s) => bindings.find((b) => b.scope_key === s && b.method === method)).find(Boolean);
      if (!binding) continue;
      const wallet = await ctx.repos.codes.findById(code.merchant_id, binding.code_id);
      if (wallet?.status !== 'active' || wallet.expires_at <= now || walletProviders[wallet.provider] !== method) continue;
      options.push({
        method,
        label: labels[method],
        url: wallet.content,
        imageUrl: `/p/${publicId}/wallet/${method}`,
        personal: wallet.provider_kind === 'personal',
      });
    }
    return options;
  }

  async function findLive(publicId: string, reply: FastifyReply): Promise<CollectionCode | null> {
    const code = await ctx.repos.codes.findByPublicId(publicId);
    const now = ctx.now();
    if (code?.provider !== 'paydesk') {
      await send(reply, 404, stopPage(null, '收款码不存在', '请核对后重新扫码，或向店员付款。'));
      return null;
    }
    if (code.status === 'disabled') {
      await send(reply, 410, stopPage(code.merchant_name, '此收款码已停用', '请不要向此码付款，请向店员确认付款方式。'));
      return null;
    }
    if (code.expires_at <= now) {
      await send(reply, 410, stopPage(code.merchant_name, '此收款码已过期', '请不要向此码付款，请让店员重新出示付款码。'));
      return null;
    }
    if (code.valid_from > now) {
      await send(reply, 409, stopPage(code.merchant_name, '此收款码尚未生效', '请向店员确认付款方式。'));
      return null;
    }
    return code;
  }

  app.get(
    '/p/:publicId',
    {
      config: { public: true },
      schema: {
        tags: ['pay page'],
        summary: 'The customer’s pay page behind a Paydesk store code (HTML)',
        params: Type.Object({ publicId: PublicId }),
        querystring: Type.Object({ amount: Type.Optional(Type.String({ maxLength: 20 })) }),
        produces: ['text/html'],
        response: htmlErrors,
      },
    },
    async (request, reply) => {
      const { publicId } = request.params as { publicId: string };
      const { amount } = request.query as { amount?: string };
      const code = await findLive(publicId, reply);
      if (!code) return reply;
      const store = await ctx.repos.stores.findById(code.merchant_id, code.store_id);
      const wallets = await walletsBehind(code, publicId);
      const app = detectWalletApp(request.headers['user-agent']);
      const enteredAmountFen = amount === undefined || amount === '' ? null : parseYuan(amount);
      const alipay = wallets.find((w) => w.method === 'alipay');
      // Alipay lets a page send the customer straight into a collection code; WeChat does not.
      if (app === 'alipay' && alipay && code.kind === 'static' && enteredAmountFen === null && amount === undefined) {
        return reply.headers(security).redirect(alipay.url, 302);
      }
      return send(
        reply,
        200,
        payPage({
          merchantName: code.merchant_name,
          storeName: store?.name ?? '',
          serial: code.serial,
          app,
          kind: code.kind,
          amountFen: code.amount_fen,
          enteredAmountFen: enteredAmountFen !== null && enteredAmountFen > 0 ? enteredAmountFen : null,
          amountError: amount !== undefined && amount !== '' && !(enteredAmountFen !== null && enteredAmountFen > 0),
          expiresAt: code.expires_at,
          now: ctx.now(),
          wallets,
        }),
      );
    },
  );

  app.get(
    '/p/:publicId/wallet/:method',
    {
      config: { public: true },
      schema: {
        tags: ['pay page'],
        summary: 'The wallet code behind a Paydesk store code, to long-press in the wallet app',
        params: Type.Object({
          publicId: PublicId,
          method: Type.Union([Type.Literal('wechatpay'), Type.Literal('alipay'), Type.Literal('unionpay')]),
        }),
        produces: ['image/png'],
        response: htmlErrors,
      },
    },
    async (request, reply) => {
      const { publicId, method } = request.params as { publicId: string; method: 'wechatpay' | 'alipay' | 'unionpay' };
      const code = await findLive(publicId, reply);
      if (!code) return reply;
      const wallet = (await walletsBehind(code, publicId)).find((w) => w.method === method);
      if (!wallet) return send(reply, 404, stopPage(code.merchant_name, '没有这个付款方式', '请返回选择其他付款方式。'));
      return reply
        .type('image/png')
        .header('cache-control', 'no-store')
        .send(renderQrPng(wallet.url, { sizePx: 480 }));
    },
  );
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PaymentChannel } from '@paydesk/channels';
import type { CollectionCode } from '@paydesk/db';
import { DomainError, detectWalletApp, isDomainError, parseYuan } from '@paydesk/domain';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../context.ts';
import { errorResponses, FileResponse, Id } from '../http/schemas.ts';
import { payPage, stopPage, type WalletOption } from '../pay-page/pay-page.view.ts';
import { jsapiPage, resultPage } from '../pay-page/wallet-pay.view.ts';
import { renderQrPng } from '../qr/render.ts';
import { ChannelRouter } from '../services/channel-router.ts';
import { PaymentService } from '../services/payment.service.ts';
import { RateLimiter } from '../services/rate-limiter.ts';
import { SimulatorGateway } from '../simulator/gateway.ts';

const PublicId = Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const page = (description: string) => FileResponse(description, ['text/html']);
/** Refusals are pages for a person holding a phone, on both routes (the wallet image route included). */
const stopPages = {
  404: page('HTML page: no such code'),
  409: page('HTML page: the code is not valid yet'),
  410: page('HTML page: the code is disabled or expired; it takes no money'),
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

/** The one page with a script: it hands the order to WeixinJSBridge and asks this server for the result. */
const withScript = (nonce: string) => ({
  ...security,
  'content-security-policy': `${security['content-security-policy']}; script-src 'nonce-${nonce}'; connect-src 'self'`,
});

/** Each wallet order is a row and a call to the wallet: a page anyone can open must not be a way to flood either. */
const walletOrdersPerIp = { max: 20, windowMs: 10 * 60_000 };
const tooMany = { 429: page('HTML page: too many payments started from this address; try again later') };

interface DirectWallet {
  method: 'wechatpay' | 'alipay';
  adapter: PaymentChannel;
}

/**
 * The shop's own pay page behind a generated store code (/p/<id>): one code for every wallet, the wallet
 * chosen from the scanning app. A disabled, expired or not-yet-valid code shows why and offers no way to pay.
 */
export function payPageRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Wallet orders go only to the merchant's own accounts, never to the simulator: its gateway is not needed here.
  const router = new ChannelRouter(ctx, new SimulatorGateway(ctx));
  const payments = new PaymentService(ctx, router);
  const limiter = new RateLimiter(ctx.repos.rateLimits, ctx.now);

  /**
   * The merchant's own account for the scanning app's wallet, when the page can take the payment through
   * it: WeChat JSAPI needs the payer's openid, so the account needs its AppSecret for the OAuth step.
   */
  async function directWallet(code: CollectionCode, method: 'wechatpay' | 'alipay' | null): Promise<DirectWallet | null> {
    if (!method) return null;
    try {
      const { route, adapter } = await router.routeFor(code.merchant_id, method, code.store_id);
      if (route.channel !== method || !adapter.createWalletOrder || (method === 'wechatpay' && !adapter.payerIdentification)) return null;
      return { method, adapter };
    } catch (err) {
      // Keys that cannot be opened: the customer still gets the page, with the shop's own codes.
      ctx.log.error({ err, merchantId: code.merchant_id, method }, 'wallet account unusable on the pay page');
      return null;
    }
  }

  /** Only the payer holds the link to a payment's result: the link carries a MAC of the payment id. */
  const resultToken = (paymentId: string) =>
    createHmac('sha256', ctx.secrets.rawKey).update(`pay-page-result\0${paymentId}`).digest('base64url').slice(0, 22);
  const tokenHolds = (paymentId: string, token: string | undefined) => {
    const expected = Buffer.from(resultToken(paymentId));
    const given = Buffer.from(token ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const resultPath = (publicId: string, paymentId: string) => `/p/${publicId}/result/${paymentId}?t=${resultToken(paymentId)}`;
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');

  /** The amount the customer pays: the code's own (a dynamic code), else what they entered; null when none yet or invalid. */
  const amountToPay = (code: CollectionCode, enteredFen: number | null) => {
    const fen = code.kind === 'dynamic' && code.amount_fen !== null ? code.amount_fen : enteredFen;
    return fen !== null && fen > 0 && fen <= payments.maxPaymentFen ? fen : null;
  };

  /** Creates the payment and starts the wallet order; a wallet that answered nothing usable shows the result page. */
  async function startWalletOrder(
    request: FastifyRequest,
    reply: FastifyReply,
    code: CollectionCode,
    wallet: DirectWallet,
    amountFen: number,
    payerId?: string,
  ) {
    const { publicId } = request.params as { publicId: string };
    try {
      await limiter.consume(`pay-page:${request.ip}`, walletOrdersPerIp);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      return send(reply, 429, stopPage(code.merchant_name, '操作过于频繁', '请稍后再扫码付款，或向店员付款。'));
    }
    const store = await ctx.repos.stores.findById(code.merchant_id, code.store_id);
    const { payment, start } = await payments.payOnPage({
      code,
      method: wallet.method,
      amountFen,
      payerId,
      returnUrl: (id) => `${publicUrl}${resultPath(publicId, id)}`,
    });
    if (start.kind === 'redirect') return reply.headers(security).redirect(start.url, 302);
    if (start.kind !== 'jsapi') return reply.headers(security).redirect(resultPath(publicId, payment.id), 303);
    const nonce = randomBytes(16).toString('base64');
    const path = resultPath(publicId, payment.id);
    return reply
      .status(200)
      .headers(withScript(nonce))
      .type('text/html; charset=utf-8')
      .send(
        jsapiPage({
          merchantName: code.merchant_name,
          storeName: store?.name ?? '',
          amountFen,
          params: start.params,
          statusUrl: path.replace('?', '/status?'),
          resultUrl: path,
          nonce,
        }),
      );
  }

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
        response: {
          200: page('HTML page'),
          302: Type.Null({
            description:
              'With the merchant’s own account and the amount known: WeChat to its OAuth page (for the payer’s openid), Alipay to its wap cashier; else Alipay straight to the shop’s Alipay code',
          }),
          303: Type.Null({ description: 'The wallet could not start the order: the result page says so' }),
          ...stopPages,
          ...tooMany,
        },
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
      const direct = await directWallet(code, app === 'wechat' ? 'wechatpay' : app === 'alipay' ? 'alipay' : null);
      const amountFen = amountToPay(code, enteredAmountFen);
      if (direct && amountFen !== null) {
        if (direct.method === 'alipay') return startWalletOrder(request, reply, code, direct, amountFen);
        // The state carries the amount through WeChat's redirect; the code, if dynamic, carries its own.
        const back = `${publicUrl}/p/${publicId}/wechatpay`;
        return reply.headers(security).redirect(direct.adapter.payerIdentification?.authorizeUrl(back, String(amountFen)) ?? back, 302);
      }
      const alipay = wallets.find((w) => w.method === 'alipay');
      // Alipay lets a page send the customer straight into a collection code; WeChat does not.
      if (!direct && app === 'alipay' && alipay && code.kind === 'static' && enteredAmountFen === null && amount === undefined) {
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
          direct: direct ? (direct.method === 'wechatpay' ? '微信' : '支付宝') : null,
        }),
      );
    },
  );

  app.get(
    '/p/:publicId/wechatpay',
    {
      config: { public: true },
      schema: {
        tags: ['pay page'],
        summary: 'Back from WeChat’s OAuth page: the payer’s openid, then a JSAPI order handed to WeixinJSBridge (HTML)',
        params: Type.Object({ publicId: PublicId }),
        querystring: Type.Object({
          code: Type.Optional(Type.String({ maxLength: 128 })),
          state: Type.Optional(Type.String({ maxLength: 128 })),
        }),
        response: {
          200: page('HTML page that starts the payment in WeChat and shows its result'),
          303: Type.Null({ description: 'WeChat Pay could not start the order: the result page says so' }),
          ...stopPages,
          ...tooMany,
        },
      },
    },
    async (request, reply) => {
      const { publicId } = request.params as { publicId: string };
      const query = request.query as { code?: string; state?: string };
      const code = await findLive(publicId, reply);
      if (!code) return reply;
      const wallet = await directWallet(code, 'wechatpay');
      if (!wallet?.adapter.payerIdentification) {
        return send(reply, 404, stopPage(code.merchant_name, '商户未开通微信支付', '请向店员付款。'));
      }
      const amountFen = amountToPay(code, /^\d{1,12}$/.test(query.state ?? '') ? Number(query.state) : null);
      if (amountFen === null) return send(reply, 409, stopPage(code.merchant_name, '付款金额无效', '请重新扫码，输入金额后再付款。'));
      if (!query.code) return send(reply, 409, stopPage(code.merchant_name, '微信授权未完成', '请重新扫码付款。'));
      let openid: string;
      try {
        openid = await wallet.adapter.payerIdentification.payerIdFromCode(query.code);
      } catch (err) {
        request.log.warn({ err: (err as Error).message }, 'WeChat OAuth code refused');
        return send(reply, 409, stopPage(code.merchant_name, '微信授权已失效', '请重新扫码付款。'));
      }
      return startWalletOrder(request, reply, code, wallet, amountFen, openid);
    },
  );

  const ResultParams = Type.Object({ publicId: PublicId, paymentId: Id });
  const ResultQuery = Type.Object({ t: Type.Optional(Type.String({ maxLength: 64 })) });

  /** A pay-page payment for the holder of its result link; the code may have been disabled since. */
  async function heldPayment(publicId: string, paymentId: string, token: string | undefined) {
    const code = await ctx.repos.codes.findByPublicId(publicId);
    if (code?.provider !== 'paydesk' || !tokenHolds(paymentId, token)) return null;
    try {
      return { code, payment: await payments.pagePayment(code, paymentId) };
    } catch (err) {
      if (isDomainError(err)) return null;
      throw err;
    }
  }

  app.get(
    '/p/:publicId/result/:paymentId',
    {
      config: { public: true },
      schema: {
        tags: ['pay page'],
        summary: 'The result of a payment made on the pay page, for the customer (HTML; refreshes while it waits)',
        params: ResultParams,
        querystring: ResultQuery,
        response: { 200: page('HTML page'), 404: page('HTML page: no such payment') },
      },
    },
    async (request, reply) => {
      const { publicId, paymentId } = request.params as { publicId: string; paymentId: string };
      const held = await heldPayment(publicId, paymentId, (request.query as { t?: string }).t);
      if (!held) return send(reply, 404, stopPage(null, '找不到这笔付款', '请向店员确认付款结果。'));
      const store = await ctx.repos.stores.findById(held.code.merchant_id, held.code.store_id);
      return send(reply, 200, resultPage({ merchantName: held.code.merchant_name, storeName: store?.name ?? '', payment: held.payment }));
    },
  );

  app.get(
    '/p/:publicId/result/:paymentId/status',
    {
      config: { public: true },
      schema: {
        tags: ['pay page'],
        summary: 'The state of a payment made on the pay page, polled by the page',
        params: ResultParams,
        querystring: ResultQuery,
        response: {
          200: Type.Object({ status: Type.String(), amountFen: Type.Integer(), failureReason: Type.Union([Type.String(), Type.Null()]) }),
          404: errorResponses[404],
        },
      },
    },
    async (request, reply) => {
      const { publicId, paymentId } = request.params as { publicId: string; paymentId: string };
      const held = await heldPayment(publicId, paymentId, (request.query as { t?: string }).t);
      if (!held) throw new DomainError('NOT_FOUND');
      reply.header('cache-control', 'no-store');
      return { status: held.payment.status, amountFen: held.payment.amount_fen, failureReason: held.payment.failure_reason };
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
        response: { 200: FileResponse('The PNG of the wallet code', ['image/png']), ...stopPages },
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

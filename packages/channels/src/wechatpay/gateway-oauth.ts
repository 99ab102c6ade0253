import { createHmac, randomBytes } from 'node:crypto';
import type { OAuthTokenAnswer } from './protocol.ts';

const codeLifetimeMs = 5 * 60_000;

/**
 * The local gateway's 网页授权 (web OAuth): the authorize redirect hands the payer's browser a one-time
 * code, and the shop's server exchanges it (with the AppSecret) for the payer's openid in that AppID.
 * Openids are stable per AppID and person, and differ between AppIDs, as WeChat's do.
 */
export class OAuthDesk {
  private readonly secret = randomBytes(32);
  private readonly codes = new Map<string, { appid: string; openid: string; scope: string; issuedAt: number; used: boolean }>();
  private readonly issued = new Map<string, string>();

  constructor(
    private readonly now: () => number,
    private readonly appSecretOf: (appid: string) => string | undefined,
  ) {}

  openidFor(appid: string, person: string): string {
    const openid = `o${createHmac('sha256', this.secret).update(`${appid}\0${person}`).digest('base64url').slice(0, 27)}`;
    this.issued.set(openid, appid);
    return openid;
  }

  isOpenidOf(appid: string, openid: string): boolean {
    return this.issued.get(openid) === appid;
  }

  issueCode(appid: string, person: string, scope: string): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { appid, openid: this.openidFor(appid, person), scope, issuedAt: this.now(), used: false });
    return code;
  }

  exchange(q: URLSearchParams): OAuthTokenAnswer {
    const appid = q.get('appid') ?? '';
    const secret = this.appSecretOf(appid);
    if (!secret) return { errcode: 40013, errmsg: 'invalid appid' };
    if (q.get('secret') !== secret) return { errcode: 40125, errmsg: 'invalid appsecret' };
    if (q.get('grant_type') !== 'authorization_code') return { errcode: 40002, errmsg: 'invalid grant_type' };
    const grant = this.codes.get(q.get('code') ?? '');
    if (!grant || grant.appid !== appid || this.now() - grant.issuedAt > codeLifetimeMs) return { errcode: 40029, errmsg: 'invalid code' };
    if (grant.used) return { errcode: 40163, errmsg: 'code been used' };
    grant.used = true;
    return {
      access_token: randomBytes(24).toString('base64url'),
      expires_in: 7200,
      refresh_token: randomBytes(24).toString('base64url'),
      openid: grant.openid,
      scope: grant.scope,
    };
  }
}

import { createCipheriv, createDecipheriv, createSign, createVerify, type KeyObject, randomBytes } from 'node:crypto';
import { type EncryptedResource, maxClockSkewSeconds } from './protocol.ts';

/**
 * The cryptography of WeChat Pay API v3 (payments.md §3), on both sides: what the merchant signs and
 * verifies, and what the platform (the real gateway, or the local one) signs and encrypts.
 * All signatures are SHA256withRSA (PKCS#1 v1.5) in Base64.
 */
export const authScheme = 'WECHATPAY2-SHA256-RSA2048';

export function newNonce(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}

function rsaSign(privateKey: KeyObject, message: string): string {
  return createSign('RSA-SHA256').update(message, 'utf8').sign(privateKey, 'base64');
}

function rsaVerify(publicKey: KeyObject, message: string, signature: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message, 'utf8').verify(publicKey, signature, 'base64');
  } catch {
    return false;
  }
}

/** The text a merchant signs: `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n` (the body may be empty). */
export function requestMessage(method: string, pathAndQuery: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${pathAndQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface RequestSigner {
  mchid: string;
  serialNo: string;
  privateKey: KeyObject;
}

/** The `Authorization` header of one request. */
export function authorizationHeader(
  signer: RequestSigner,
  request: { method: string; pathAndQuery: string; body: string; timestamp: string; nonce: string },
): string {
  const signature = rsaSign(
    signer.privateKey,
    requestMessage(request.method, request.pathAndQuery, request.timestamp, request.nonce, request.body),
  );
  return `${authScheme} mchid="${signer.mchid}",nonce_str="${request.nonce}",signature="${signature}",timestamp="${request.timestamp}",serial_no="${signer.serialNo}"`;
}

export interface Authorization {
  mchid: string;
  nonceStr: string;
  signature: string;
  timestamp: string;
  serialNo: string;
}

/** Reads an `Authorization` header; null when it is not the v3 scheme or misses a field. */
export function parseAuthorization(header: string | undefined): Authorization | null {
  if (!header?.startsWith(`${authScheme} `)) return null;
  const fields = new Map<string, string>();
  for (const m of header.slice(authScheme.length + 1).matchAll(/\s*([a-z_]+)="([^"]*)"\s*(?:,|$)/g)) {
    if (m[1] !== undefined && m[2] !== undefined) fields.set(m[1], m[2]);
  }
  const mchid = fields.get('mchid');
  const nonceStr = fields.get('nonce_str');
  const signature = fields.get('signature');
  const timestamp = fields.get('timestamp');
  const serialNo = fields.get('serial_no');
  if (!mchid || !nonceStr || !signature || !timestamp || !serialNo) return null;
  return { mchid, nonceStr, signature, timestamp, serialNo };
}

export function verifyRequest(
  publicKey: KeyObject,
  auth: Authorization,
  request: { method: string; pathAndQuery: string; body: string },
): boolean {
  return rsaVerify(
    publicKey,
    requestMessage(request.method, request.pathAndQuery, auth.timestamp, auth.nonceStr, request.body),
    auth.signature,
  );
}

/** The text the platform signs for a response or a notification: `TIMESTAMP\nNONCE\nBODY\n`. */
export function platformMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export interface SignedHeaders {
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
}

/** The platform's side: the `Wechatpay-*` headers of an answer or a notification. */
export function signAsPlatform(privateKey: KeyObject, serial: string, body: string, nowMs: number): SignedHeaders {
  const timestamp = unixSeconds(nowMs);
  const nonce = newNonce();
  return { timestamp, nonce, serial, signature: rsaSign(privateKey, platformMessage(timestamp, nonce, body)) };
}

export type SignatureFailure = 'missing_signature' | 'wrong_serial' | 'stale_timestamp' | 'bad_signature';

export interface PlatformKey {
  id: string;
  publicKey: KeyObject;
}

/**
 * Our side: checks an answer or a notification. The key is chosen by its serial (public-key id), a
 * timestamp more than five minutes from our clock is refused as a replay, and only then the signature.
 */
export function verifyFromPlatform(
  key: PlatformKey,
  headers: Partial<SignedHeaders>,
  body: string,
  nowMs: number,
): SignatureFailure | null {
  const { timestamp, nonce, signature, serial } = headers;
  if (!timestamp || !nonce || !signature || !serial) return 'missing_signature';
  if (serial !== key.id) return 'wrong_serial';
  const skew = Math.abs(nowMs / 1000 - Number(timestamp));
  if (!/^\d+$/.test(timestamp) || skew > maxClockSkewSeconds) return 'stale_timestamp';
  return rsaVerify(key.publicKey, platformMessage(timestamp, nonce, body), signature) ? null : 'bad_signature';
}

/** Reads the `Wechatpay-*` headers from a header map whose names may be in any case. */
export function signedHeadersOf(get: (name: string) => string | undefined): Partial<SignedHeaders> {
  return {
    timestamp: get('wechatpay-timestamp'),
    nonce: get('wechatpay-nonce'),
    signature: get('wechatpay-signature'),
    serial: get('wechatpay-serial'),
  };
}

/** AEAD_AES_256_GCM with the 32-byte APIv3 key; the 16-byte tag is appended to the ciphertext. */
export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string, nonce: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString('base64');
}

/** Decrypts a notification's `resource`; throws when the key, nonce, associated data or ciphertext is wrong. */
export function decryptResource(apiV3Key: string, resource: Pick<EncryptedResource, 'ciphertext' | 'associated_data' | 'nonce'>): string {
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  if (sealed.length < 17) throw new Error('ciphertext too short');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]).toString('utf8');
}

/** The JSAPI `paySign` the page hands to WeixinJSBridge: `appId\ntimeStamp\nnonceStr\npackage\n`, merchant key. */
export function jsapiPaySign(privateKey: KeyObject, p: { appId: string; timeStamp: string; nonceStr: string; package: string }): string {
  return rsaSign(privateKey, `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`);
}

export function verifyJsapiPaySign(
  publicKey: KeyObject,
  p: { appId: string; timeStamp: string; nonceStr: string; package: string; paySign: string },
): boolean {
  return rsaVerify(publicKey, `${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`, p.paySign);
}

import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';

/**
 * Reads the keys an owner pastes: PEM (PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY`, SPKI `PUBLIC KEY`,
 * PKCS#1 `RSA PUBLIC KEY`), with or without line breaks, or the bare Base64 body that Alipay's key tool
 * and the open platform's pages show. Each failure is named, so the form can say what to fix.
 */
export const minimumRsaBits = 2048;

export type PrivateKeyProblem = 'missing' | 'unparseable' | 'encrypted' | 'is_public' | 'not_rsa' | 'too_small';
export type PublicKeyProblem = 'missing' | 'unparseable' | 'is_private' | 'is_certificate' | 'not_rsa' | 'too_small';

interface Armoured {
  /** The PEM label, or null for a bare Base64 body. */
  label: string | null;
  der: Buffer;
  encrypted: boolean;
}

function unarmour(text: string): Armoured | null {
  // Keys copied out of JSON or a .env file often carry literal "\n" sequences instead of line breaks.
  const t = text.replaceAll('\\n', '\n').trim();
  const pem = /^-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----$/.exec(t);
  const body = pem?.[2] ?? t;
  const encrypted = pem?.[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(body);
  if (encrypted) return { label: pem?.[1] ?? null, der: Buffer.alloc(0), encrypted };
  const base64 = body.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  return { label: pem?.[1] ?? null, der: Buffer.from(base64, 'base64'), encrypted };
}

function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

const privateFromDer = (der: Buffer) =>
  attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })) ??
  attempt(() => createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));

const publicFromDer = (der: Buffer) =>
  attempt(() => createPublicKey({ key: der, format: 'der', type: 'spki' })) ??
  attempt(() => createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));

const certificateFromDer = (der: Buffer) => attempt(() => new X509Certificate(der));

const privateLabels = ['PRIVATE KEY', 'RSA PRIVATE KEY'];
const publicLabels = ['PUBLIC KEY', 'RSA PUBLIC KEY'];

function rsaProblem(key: KeyObject): 'not_rsa' | 'too_small' | null {
  if (key.asymmetricKeyType !== 'rsa') return 'not_rsa';
  return (key.asymmetricKeyDetails?.modulusLength ?? 0) < minimumRsaBits ? 'too_small' : null;
}

export function readPrivateKey(text: string): { key: KeyObject } | { problem: PrivateKeyProblem } {
  if (text.trim() === '') return { problem: 'missing' };
  const a = unarmour(text);
  if (!a) return { problem: 'unparseable' };
  if (a.encrypted) return { problem: 'encrypted' };
  if (a.label === 'EC PRIVATE KEY') return { problem: 'not_rsa' };
  if (a.label !== null && !privateLabels.includes(a.label)) {
    return publicLabels.includes(a.label) || a.label === 'CERTIFICATE' ? { problem: 'is_public' } : { problem: 'unparseable' };
  }
  const key = privateFromDer(a.der);
  if (!key) return { problem: a.label === null && (publicFromDer(a.der) || certificateFromDer(a.der)) ? 'is_public' : 'unparseable' };
  const problem = rsaProblem(key);
  return problem ? { problem } : { key };
}

export function readPublicKey(text: string): { key: KeyObject } | { problem: PublicKeyProblem } {
  if (text.trim() === '') return { problem: 'missing' };
  const a = unarmour(text);
  if (!a) return { problem: 'unparseable' };
  if (a.encrypted || (a.label !== null && (privateLabels.includes(a.label) || a.label === 'EC PRIVATE KEY')))
    return { problem: 'is_private' };
  if (a.label === 'CERTIFICATE') return { problem: 'is_certificate' };
  if (a.label !== null && !publicLabels.includes(a.label)) return { problem: 'unparseable' };
  // A private key must be caught first: createPublicKey would quietly derive its public half.
  if (privateFromDer(a.der)) return { problem: 'is_private' };
  const key = publicFromDer(a.der);
  if (!key) return { problem: a.label === null && certificateFromDer(a.der) ? 'is_certificate' : 'unparseable' };
  const problem = rsaProblem(key);
  return problem ? { problem } : { key };
}

export const privateKeyPem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
export const publicKeyPem = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }).toString();

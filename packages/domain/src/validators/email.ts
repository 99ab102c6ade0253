import { hasControlChars } from './text.ts';

/**
 * Pragmatic e-mail check, not RFC 5322: one unquoted local part, one dotted domain.
 * The local part keeps its case because RFC 5321 lets servers treat it as case-sensitive.
 */

/** RFC 5321 §4.5.3.1 limits, counted in octets. */
const MAX_ADDRESS_OCTETS = 254;
const MAX_LOCAL_OCTETS = 64;
const MAX_LABEL_OCTETS = 63;

/** Whitespace and the specials that only a quoted local part may carry. */
const LOCAL_FORBIDDEN = /[\s()<>[\]:;@\\,"]/u;
/** Letters (any script, for internationalised domains), digits and inner hyphens. */
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;

const encoder = new TextEncoder();
const octets = (s: string): number => encoder.encode(s).length;

/** The address with its domain lowercased, or null if it is not a plausible address. */
export function normalizeEmail(input: string): string | null {
  const trimmed = input.trim();
  if (hasControlChars(trimmed)) return null;
  const at = trimmed.indexOf('@');
  if (at < 0 || at !== trimmed.lastIndexOf('@')) return null;

  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  const address = `${local}@${domain}`;

  if (octets(address) > MAX_ADDRESS_OCTETS || octets(local) > MAX_LOCAL_OCTETS) return null;
  if (local === '' || LOCAL_FORBIDDEN.test(local)) return null;
  if (local.split('.').includes('')) return null;

  const labels = domain.split('.');
  if (labels.length < 2) return null;
  if (!labels.every((label) => DOMAIN_LABEL.test(label) && octets(label) <= MAX_LABEL_OCTETS)) return null;

  return address;
}

export type CleanTextResult = { ok: true; value: string } | { ok: false; reason: 'type' | 'empty' | 'too_long' | 'control_chars' };

/**
 * True if `s` holds a character that must not reach storage or display: C0 controls (tab and
 * newline included, as the fields are single-line), DEL, C1 controls, the Unicode line and
 * paragraph separators U+2028/U+2029 (newlines by another name), the bidi embeddings,
 * overrides and isolates U+202A–U+202E / U+2066–U+2069 (they make text display in a different
 * order from how it is stored, the "Trojan Source" trick), and lone surrogates, which are not
 * valid Unicode and cannot be encoded as UTF-8.
 */
export function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return true;
    if (unit === 0x2028 || unit === 0x2029) return true;
    if ((unit >= 0x202a && unit <= 0x202e) || (unit >= 0x2066 && unit <= 0x2069)) return true;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

/** Length in code points, so an emoji or a rare CJK character counts as one. */
export function codePointLength(s: string): number {
  return Array.from(s).length;
}

/**
 * A single-line user-entered text: trimmed and NFC-normalised so that visually equal strings
 * compare equal. A length below `min` (default 1) is reported as 'empty'.
 */
export function cleanText(input: unknown, opts: { min?: number; max: number }): CleanTextResult {
  if (typeof input !== 'string') return { ok: false, reason: 'type' };
  const value = input.trim().normalize('NFC');
  if (hasControlChars(value)) return { ok: false, reason: 'control_chars' };
  const length = codePointLength(value);
  if (length < (opts.min ?? 1)) return { ok: false, reason: 'empty' };
  if (length > opts.max) return { ok: false, reason: 'too_long' };
  return { ok: true, value };
}

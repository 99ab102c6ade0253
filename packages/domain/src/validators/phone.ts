/**
 * Mainland China mobile numbers: 11 digits starting 13–19. The country code may be written
 * as +86, 0086 or 86; spaces (including full-width and no-break) and hyphens are layout only.
 */
const SEPARATORS = /[ \u00A0\u3000-]/g;
const MOBILE = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/;

/** The bare 11-digit number, or null if the input is not a mainland mobile number. */
export function normalizeMobile(input: string): string | null {
  const match = MOBILE.exec(input.trim().replace(SEPARATORS, ''));
  return match?.[1] ?? null;
}

export function isMobile(input: string): boolean {
  return normalizeMobile(input) !== null;
}

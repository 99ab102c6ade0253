/**
 * Fixed-column text for a receipt printer. In the printer's Chinese mode every multi-byte GB18030
 * character (a hanzi, but also × · ￥ and full-width punctuation) prints one full-width cell, two ASCII
 * columns; only ASCII is one. So the width is counted the way the printer will print, not by Unicode rules.
 */
export const columnsFor = (widthMm: 58 | 80): number => (widthMm === 58 ? 32 : 48);

const charWidth = (ch: string) => ((ch.codePointAt(0) ?? 0) < 0x80 ? 1 : 2);

export const textWidth = (text: string): number => [...text].reduce((w, ch) => w + charWidth(ch), 0);

/** A control byte inside a name (ESC, GS, FS …) would be a printer command: cut, open the drawer. Never send one. */
export const printable = (text: string): string => [...text].map((ch) => (/\p{Cc}/u.test(ch) ? ' ' : ch)).join('');

/** Breaks text into lines of at most `width` columns, never splitting a character. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of printable(text)) {
    const w = charWidth(ch);
    if (used + w > width && line !== '') {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** `left ........ right` on one line when it fits; otherwise the left wrapped and the right aligned below it. */
export function pair(left: string, right: string, width: number): string[] {
  const l = printable(left);
  const r = printable(right);
  const gap = width - textWidth(l) - textWidth(r);
  if (gap >= 1) return [l + ' '.repeat(gap) + r];
  return [...wrap(l, width), ...wrap(r, width).map((line) => ' '.repeat(Math.max(0, width - textWidth(line))) + line)];
}

export const rule = (width: number): string => '-'.repeat(width);

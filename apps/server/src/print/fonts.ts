import { existsSync } from 'node:fs';
import { DomainError } from '@paydesk/domain';

export interface CjkFont {
  path: string;
  /** For font collections (.ttc) pdfkit needs the PostScript name of the face inside. */
  postscriptName: string | undefined;
}

// Debian's packages, in order of preference; PAYDESK_CJK_FONT="path[#PostScriptName]" overrides.
const candidates: CjkFont[] = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei' },
];

export function findCjkFont(env: Record<string, string | undefined> = process.env): CjkFont {
  const configured = env.PAYDESK_CJK_FONT;
  if (configured) {
    const [path = '', postscriptName] = configured.split('#');
    if (existsSync(path)) return { path, postscriptName };
  }
  const found = candidates.find((c) => existsSync(c.path));
  if (!found) throw new DomainError('FONT_MISSING');
  return found;
}

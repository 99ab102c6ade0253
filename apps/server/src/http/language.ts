import type { Lang } from '@paydesk/domain';

/** zh-CN unless the client prefers English over Chinese in Accept-Language. */
export function pickLanguage(header: string | string[] | undefined): Lang {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  const ranked = value
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    // q=0 means "not this one" (RFC 9110 §12.4.2).
    .filter((l) => l.q > 0 && (l.tag.startsWith('en') || l.tag.startsWith('zh')))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked[0]?.tag.startsWith('en') ? 'en' : 'zh';
}

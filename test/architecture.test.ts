import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// ARCHITECTURE §3: web → domain; server → domain, db, channels; db, channels → domain; domain → nothing.
const allowed: Record<string, string[]> = {
  'packages/domain': [],
  'packages/db': ['@paydesk/domain'],
  'packages/channels': ['@paydesk/domain'],
  'apps/server': ['@paydesk/domain', '@paydesk/db', '@paydesk/channels'],
  'apps/web': ['@paydesk/domain'],
};

const root = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) ? [full] : [];
  });
}

describe('dependencies point one way', () => {
  for (const [pkg, mayImport] of Object.entries(allowed)) {
    it(`${pkg} imports only ${mayImport.join(', ') || 'nothing of ours'}`, () => {
      const offenders: string[] = [];
      for (const file of sourceFiles(path.join(root, pkg, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
          const spec = m[1] ?? '';
          const ours = spec.match(/^@paydesk\/[^/]+/)?.[0];
          if (ours && !mayImport.includes(ours)) offenders.push(`${path.relative(root, file)} → ${spec}`);
          if (spec.startsWith('.')) {
            const target = path.resolve(path.dirname(file), spec);
            if (!target.startsWith(path.join(root, pkg))) offenders.push(`${path.relative(root, file)} → ${spec}`);
          }
        }
      }
      expect(offenders).toEqual([]);
    });
  }

  it('the domain package has no runtime dependencies and no Node built-ins', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'packages/domain/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual([]);
    for (const file of sourceFiles(path.join(root, 'packages/domain/src'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"]node:/);
    }
  });
});

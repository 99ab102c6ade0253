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

/**
 * A route that honours an Idempotency-Key must say how a retry after a crash is kept from doing its work
 * twice (docs/operations.md, "Repeated requests"); a new one fails here until it is placed in this table.
 */
const idempotentRoutes: Record<
  string,
  'its writes mark the key (inRequestTransaction)' | 'the client’s order id' | 'the key kept in the refund' | 'a PUT replaces'
> = {
  'POST /api/stores': 'its writes mark the key (inRequestTransaction)',
  'POST /api/stations': 'its writes mark the key (inRequestTransaction)',
  'POST /api/staff': 'its writes mark the key (inRequestTransaction)',
  'POST /api/codes': 'its writes mark the key (inRequestTransaction)',
  'POST /api/codes/upload': 'its writes mark the key (inRequestTransaction)',
  'POST /api/bindings': 'its writes mark the key (inRequestTransaction)',
  'POST /api/bindings/:id/test-payment': 'its writes mark the key (inRequestTransaction)',
  'POST /api/orders': 'the client’s order id',
  'POST /api/checkout': 'the client’s order id',
  'POST /api/orders/:id/payments': 'the client’s order id',
  'POST /api/payments/:id/refunds': 'the key kept in the refund',
  'PUT /api/channels/wechatpay': 'a PUT replaces',
  'PUT /api/channels/alipay': 'a PUT replaces',
};

describe('idempotent routes', () => {
  it('each says how a retry after a crash is kept from running twice', () => {
    const found: string[] = [];
    let marked = 0;
    for (const file of sourceFiles(path.join(root, 'apps/server/src/routes'))) {
      const text = readFileSync(file, 'utf8');
      marked += text.match(/idempotent: true/g)?.length ?? 0;
      for (const m of text.matchAll(/\.(post|put|patch|delete)\(\s*'([^']+)',\s*\{\s*config:\s*\{\s*idempotent: true/g)) {
        found.push(`${m[1]?.toUpperCase()} ${m[2]}`);
      }
    }
    expect(found).toHaveLength(marked);
    expect(found.sort()).toEqual(Object.keys(idempotentRoutes).sort());
  });
});

import { readFileSync } from 'node:fs';
import { type ErrorCode, errorCatalogue } from '@paydesk/domain';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickLanguage } from '../../apps/server/src/http/language.ts';
import { expectError } from '../support/assertions.ts';
import { dialects } from '../support/databases.ts';
import { type Owner, registerOwner } from '../support/factories.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';

const rootVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Every (method, path) the app routes, read from fastify's route tree. HEAD routes are fastify's own
 * companions of GET routes and are left out.
 */
function registeredRoutes(fastify: FastifyInstance): { method: string; path: string }[] {
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^(.*?)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = (depth === 0 ? '' : (stack[depth - 1] ?? '')) + (m[2] ?? '');
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

describe.each(dialects)('HTTP basics on %s', (dialect) => {
  let t: TestApp;
  let owner: Owner;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    owner = await registerOwner(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('health', () => {
    it('answers ok with the version and the database, without signing in', async () => {
      const res = await t.client().get('/api/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', version: rootVersion, db: { dialect, ok: true } });
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
    });

    it('answers 503 degraded when the database does not answer', async () => {
      const broken = await createTestApp(dialect);
      try {
        await broken.db.close();
        const res = await broken.client().get('/api/health');
        expect(res.status).toBe(503);
        expect(res.body).toEqual({ status: 'degraded', version: rootVersion, db: { dialect, ok: false } });
      } finally {
        await broken.close();
      }
    });
  });

  describe('OpenAPI document', () => {
    it('is OpenAPI 3.1 and documents every API route the app serves', async () => {
      const res = await t.client().get('/api/openapi.json');
      expect(res.status).toBe(200);
      const spec = res.body;
      expect(spec.openapi).toMatch(/^3\.1\./);
      expect(spec.info).toMatchObject({ title: expect.any(String), version: rootVersion });

      const documented = new Set<string>();
      for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
        for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
      }
      const served = registeredRoutes(t.app.fastify)
        .filter((r) => r.path.startsWith('/api/') && !r.path.startsWith('/api/docs') && r.path !== '/api/openapi.json')
        .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      // The route reading is sound: it finds routes we know are there.
      expect(served).toEqual(
        expect.arrayContaining(['GET /api/health', 'POST /api/auth/login', 'PATCH /api/staff/{id}', 'POST /api/auth/register/verify']),
      );
      // Every API route is documented, and everything documented is served.
      expect(served.filter((r) => !documented.has(r))).toEqual([]);
      for (const entry of documented) {
        const [method = '', path = ''] = entry.split(' ');
        expect(t.app.fastify.hasRoute({ method, url: path.replace(/\{(\w+)\}/g, ':$1') }), entry).toBe(true);
      }
    });

    it('gives every operation a summary and at least one error response', async () => {
      const spec = (await t.client().get('/api/openapi.json')).body;
      const problems: string[] = [];
      for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, any>>)) {
        for (const [method, op] of Object.entries(ops)) {
          const where = `${method.toUpperCase()} ${path}`;
          if (!(typeof op.summary === 'string' && op.summary.trim().length > 0)) problems.push(`${where}: no summary`);
          const statuses = Object.keys(op.responses ?? {}).map(Number);
          if (!statuses.some((s) => s >= 200 && s < 400)) problems.push(`${where}: no success response`);
          if (!statuses.some((s) => s >= 400)) problems.push(`${where}: no error response`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('has a docs page that needs no sign-in', async () => {
      const res = await t.client().get('/api/docs');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    });
  });

  describe('unknown routes and oversized bodies', () => {
    it('answers an unknown API route with ROUTE_NOT_FOUND, signed in or not', async () => {
      const anonymous = t.client();
      for (const client of [anonymous, owner.client]) {
        expectError(await client.get('/api/no-such-thing'), 'ROUTE_NOT_FOUND');
        expectError(await client.get('/api/stores/some-id'), 'ROUTE_NOT_FOUND');
        expectError(await client.post('/api/no-such-thing', { a: 1 }), 'ROUTE_NOT_FOUND');
        expectError(await client.request('DELETE', '/api/stores', undefined, {}), 'ROUTE_NOT_FOUND');
        expectError(await client.get('/api/no-such-thing', { 'accept-language': 'en' }), 'ROUTE_NOT_FOUND', 'en');
      }
    });

    it('refuses a body over 1 MB with BODY_TOO_LARGE', async () => {
      const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024), address: '' });
      const anonymous = t.client();
      expectError(await anonymous.raw('POST', '/api/auth/register', big, 'application/json'), 'BODY_TOO_LARGE');
      const before = (await owner.client.get('/api/stores')).body.items.length;
      const res = await owner.client.raw('POST', '/api/stores', big, 'application/json');
      expectError(res, 'BODY_TOO_LARGE');
      expect((await owner.client.get('/api/stores')).body.items.length).toBe(before);
      // Just under the limit is read (and then refused for what it says, not for its size).
      const under = JSON.stringify({ name: 'x'.repeat(1024 * 1024 - 100), address: '' });
      expectError(await owner.client.raw('POST', '/api/stores', under, 'application/json'), 'VALIDATION_FAILED');
    });
  });

  describe('error catalogue and language', () => {
    it('has a status and non-empty Chinese and English messages for every code', () => {
      const entries = Object.entries(errorCatalogue) as [ErrorCode, { status: number; zh: string; en: string }][];
      expect(entries.length).toBeGreaterThan(10);
      for (const [code, entry] of entries) {
        expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(entry.status, code).toBeGreaterThanOrEqual(400);
        expect(entry.status, code).toBeLessThan(600);
        expect(entry.zh.trim(), code).not.toBe('');
        expect(entry.en.trim(), code).not.toBe('');
        expect(entry.zh, code).toMatch(/[\u4e00-\u9fff]/);
        expect(entry.en, code).not.toMatch(/[\u4e00-\u9fff]/);
      }
    });

    it('picks the language from Accept-Language', () => {
      const cases: [string | undefined, 'zh' | 'en'][] = [
        [undefined, 'zh'],
        ['', 'zh'],
        ['en-US,en;q=0.9', 'en'],
        ['zh-CN,en;q=0.5', 'zh'],
        ['en', 'en'],
        ['EN-gb', 'en'],
        ['zh-TW', 'zh'],
        ['fr-FR', 'zh'],
        ['fr-FR, en;q=0.5', 'en'],
        ['en;q=0.1, zh;q=0.9', 'zh'],
        ['zh;q=0.4, en;q=0.8', 'en'],
        ['*', 'zh'],
        ['en;q=0', 'zh'],
        ['en;q=0, fr', 'zh'],
      ];
      for (const [header, lang] of cases) expect(pickLanguage(header), String(header)).toBe(lang);
      expect(pickLanguage(['fr', 'en-US'])).toBe('en');
    });

    it('answers in that language over HTTP, Chinese when the header is missing', async () => {
      const inject = (headers: Record<string, string>) => t.app.fastify.inject({ method: 'GET', url: '/api/auth/session', headers });
      const message = async (headers: Record<string, string>) => JSON.parse((await inject(headers)).body).error.message as string;
      expect(await message({})).toBe(errorCatalogue.UNAUTHENTICATED.zh);
      expect(await message({ 'accept-language': 'en-US,en;q=0.9' })).toBe(errorCatalogue.UNAUTHENTICATED.en);
      expect(await message({ 'accept-language': 'zh-CN,en;q=0.5' })).toBe(errorCatalogue.UNAUTHENTICATED.zh);
      expect(await message({ 'accept-language': 'de-DE' })).toBe(errorCatalogue.UNAUTHENTICATED.zh);
    });

    it('uses the one error shape for every refusal, with nothing else in it', async () => {
      const refusals = [
        await t.client().get('/api/auth/session'),
        await t.client().post('/api/auth/login', { login: 'x' }),
        await t.client().raw('POST', '/api/auth/login', '{', 'application/json'),
        await t.client().get('/api/nothing-here'),
      ];
      for (const res of refusals) {
        expect(Object.keys(res.body)).toEqual(['error']);
        for (const key of Object.keys(res.body.error)) expect(['code', 'message', 'fields', 'detail']).toContain(key);
        expect(res.text).not.toMatch(/at .*\.ts:\d+|stack|FST_ERR/);
      }
    });
  });
});

import { randomUUID } from 'node:crypto';
import { maxFen } from '@paydesk/domain';
import type { SeededRandom } from './seeded-random.ts';

/** A JSON Schema fragment from the OpenAPI document. */
export type Schema = { [key: string]: any };

export interface Operation {
  method: string;
  path: string;
  doc: Schema;
}

/** One request the fuzzer sends, described well enough to be pasted into a bug report. */
export interface FuzzCase {
  /** What the request tries, e.g. "body.amountFen = -1". */
  label: string;
  method: string;
  url: string;
  /** Absent: no Content-Type header at all. */
  contentType?: string;
  payload?: string | Buffer;
  /** Header parameters the operation declares (the notification's x-sim-merchant, say). */
  headers?: Record<string, string>;
  /** The request breaks the published contract, so anything but a refusal is a bug. */
  mustRefuse: boolean;
}

/** Where a case's values come from: the fixture's real rows, chosen by parameter or property name. */
export interface Values {
  /** Real values for a path parameter, or [] when the fixture has none. */
  real(param: string, path: string): string[];
  /** A real value for a body or query property named like a reference (storeId, codeId …), if any. */
  reference(name: string): string | undefined;
}

export function operationsOf(spec: Schema): Operation[] {
  return Object.entries(spec.paths as Record<string, Record<string, Schema>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, doc]) => ({ method: method.toUpperCase(), path, doc })),
  );
}

export const jsonBodySchema = (op: Operation): Schema | undefined => op.doc.requestBody?.content?.['application/json']?.schema;
const parameters = (op: Operation, where: 'path' | 'query' | 'header'): Schema[] =>
  (op.doc.parameters ?? []).filter((p: Schema) => p.in === where);
/**
 * Operations whose body is the bytes of an image. The document cannot say so (a body schema would have
 * Fastify validate the bytes as JSON); an upload route missing here is still fuzzed, with the generic cases.
 */
const imageUploads = new Set(['POST /api/codes/upload', 'POST /api/sim/scan-image']);

// ---------------------------------------------------------------------------------------------------
// Reading schemas

interface Leaf {
  schema: Schema;
  nullable: boolean;
  enumValues: unknown[] | undefined;
}

/** anyOf of literals is an enum, anyOf with null is nullable; other unions are variants. */
function leafOf(schema: Schema): Leaf {
  const branches: Schema[] = schema.anyOf ?? [schema];
  const nonNull = branches.filter((b) => b.type !== 'null');
  const nullable = nonNull.length < branches.length;
  const enums = nonNull.every((b) => Array.isArray(b.enum) || 'const' in b)
    ? nonNull.flatMap((b) => (Array.isArray(b.enum) ? b.enum : [b.const]))
    : undefined;
  return { schema: nonNull[0] ?? schema, nullable, enumValues: enums };
}

/** The object variants of a body: each branch of a union of objects, or the one object. */
function variantsOf(schema: Schema): Schema[] {
  if (schema.anyOf?.every((b: Schema) => b.type === 'object')) return schema.anyOf;
  return [schema];
}

/** A plausible value: real references where the name says what they point at, fresh ids, short text. */
function sample(schema: Schema, name: string, values: Values): unknown {
  const leaf = leafOf(schema);
  if (leaf.enumValues) return leaf.enumValues[0];
  const s = leaf.schema;
  if (s.anyOf) return sample(variantsOf(s)[0] as Schema, name, values);
  switch (s.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) out[key] = sample(s.properties[key], key, values);
      return out;
    }
    case 'array':
      return s.minItems ? [sample(s.items, name, values)] : [];
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, Math.min(s.maximum ?? 1, 1));
    case 'boolean':
      return false;
    case 'string': {
      const ref = values.reference(name);
      if (ref !== undefined) return ref;
      if (s.pattern && s.minLength >= 8) return randomUUID();
      return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
    }
    default:
      return null;
  }
}

type Path = (string | number)[];

/** Every property, nested ones included (the first item of arrays), with its schema and whether it is required. */
function* properties(schema: Schema, path: Path = []): Generator<{ path: Path; schema: Schema; required: boolean }> {
  if (schema.type === 'object') {
    for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
      yield { path: [...path, key], schema: child, required: (schema.required ?? []).includes(key) };
      const inner = leafOf(child).schema;
      if (inner.type === 'object' && !inner.anyOf) yield* properties(inner, [...path, key]);
      if (inner.type === 'array' && inner.items?.type === 'object') yield* properties(inner.items, [...path, key, 0]);
    }
  }
}

/** A copy of `base` with the value at `path` set (or removed), creating the parents from their schemas. */
function withValue(base: unknown, root: Schema, path: Path, value: unknown, values: Values, remove = false): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  let schema = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string | number;
    schema = typeof key === 'number' ? leafOf(schema).schema.items : leafOf(schema.properties[key]).schema;
    if (node[key] === undefined || node[key] === null) {
      const next = path[i + 1];
      node[key] = typeof next === 'number' ? [sample(schema.items, String(key), values)] : sample(schema, String(key), values);
    }
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1] as string | number;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

// ---------------------------------------------------------------------------------------------------
// Hostile values

/** Stands in for a value JSON cannot carry; replaced in the written text. */
const raw = (text: string) => `\u0000raw:${text}\u0000`;
const writeJson = (value: unknown): string => JSON.stringify(value).replace(/"\\u0000raw:(.*?)\\u0000"/g, '$1');

interface Hostile {
  label: string;
  value: unknown;
  /** Sent on every run; the others are drawn by the seed, a few per property. */
  always?: boolean;
}

/** Values of the wrong type or out of every sensible range for a property of this schema. */
function hostileValues(name: string, schema: Schema): Hostile[] {
  const leaf = leafOf(schema);
  const s = leaf.schema;
  const out: Hostile[] = [];
  const add = (label: string, value: unknown, always = false) => out.push({ label, value, always });
  if (!leaf.nullable) add('null', null);
  if (leaf.enumValues) {
    add('"nope"', 'nope', true);
    add('""', '');
    const first = String(leaf.enumValues[0]);
    if (first.toUpperCase() !== first) add('upper-cased', first.toUpperCase());
    return out;
  }
  switch (s.type) {
    case 'integer':
    case 'number':
      add('-1', -1, true);
      add('1e20', 1e20, true);
      add('1.5', 1.5);
      add('"1"', '1');
      add('true', true);
      add('2^53', 2 ** 53);
      add('-1e20', -1e20);
      add('1e400', raw('1e400'));
      add('NaN', raw('NaN'));
      add('-Infinity', raw('-Infinity'));
      add('{"$gt":0}', { $gt: 0 });
      if (/Fen$/.test(name)) {
        add('0', 0, true);
        add('maxFen + 1', maxFen + 1);
        add('(0.1 + 0.2) × 100', (0.1 + 0.2) * 100);
      }
      if (s.maximum !== undefined) add('maximum + 1', s.maximum + 1);
      break;
    case 'string':
      add('12345', 12345, true);
      if (s.maxLength !== undefined) add('maxLength + 1 characters', 'x'.repeat(s.maxLength + 1), true);
      // No database takes U+0000 in text the same way (PostgreSQL refuses it outright).
      add('"a\\u0000b"', 'a\u0000b', true);
      add('[]', []);
      add('{}', {});
      add('300,000 characters', '中'.repeat(300_000));
      if (s.minLength) add('minLength - 1 characters', 'x'.repeat(s.minLength - 1));
      if (s.pattern) {
        add('"a b"', 'a b');
        add('"../x"', '../x');
        add('"💩"', '💩');
        add('SQL', "x' OR '1'='1");
      }
      break;
    case 'boolean':
      add('"true"', 'true', true);
      add('1', 1);
      break;
    case 'array':
      add('{}', {}, true);
      add('"x"', 'x');
      if (s.maxItems !== undefined)
        add(
          'maxItems + 1 items',
          Array.from({ length: s.maxItems + 1 }, () => ({})),
        );
      break;
    case 'object':
      add('"x"', 'x', true);
      add('[]', []);
      add('nested 3,000 deep', nested(3_000));
      break;
  }
  return out;
}

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

interface Payload {
  label: string;
  contentType?: string;
  payload: string | Buffer;
  /** Parses as JSON: a route that reads no body may rightly ignore it and succeed. */
  json?: boolean;
}

/** Bodies of the wrong kind altogether, whatever the operation expects. */
function malformedBodies(rnd: SeededRandom): Payload[] {
  return [
    { label: 'truncated JSON', contentType: 'application/json', payload: '{"a":' },
    { label: 'single-quoted JSON', contentType: 'application/json', payload: "{'a':1}" },
    { label: 'NaN as JSON', contentType: 'application/json', payload: 'NaN' },
    { label: 'empty JSON body', contentType: 'application/json', payload: '' },
    { label: 'random bytes as JSON', contentType: 'application/json', payload: rnd.bytes(1 + rnd.int(200)) },
    { label: 'random text as JSON', contentType: 'application/json', payload: rnd.text(1 + rnd.int(100)) },
    { label: 'JSON in UTF-16', contentType: 'application/json; charset=utf-16', payload: Buffer.from('{"a":1}', 'utf16le') },
    { label: '__proto__ pollution', contentType: 'application/json', payload: '{"__proto__":{"polluted":1}}' },
    { label: 'constructor.prototype pollution', contentType: 'application/json', payload: '{"constructor":{"prototype":{"polluted":1}}}' },
    { label: '10,000 nested arrays', contentType: 'application/json', payload: `${'['.repeat(10_000)}${']'.repeat(10_000)}`, json: true },
    { label: 'over 1 MB', contentType: 'application/json', payload: JSON.stringify({ a: 'x'.repeat(1_100_000) }) },
    { label: 'text/plain', contentType: 'text/plain', payload: '{"a":1}' },
    { label: 'form-urlencoded', contentType: 'application/x-www-form-urlencoded', payload: 'a=1&b=2' },
    {
      label: 'multipart',
      contentType: 'multipart/form-data; boundary=x',
      payload: '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
    },
    { label: 'XML', contentType: 'application/xml', payload: '<a>1</a>' },
    { label: 'no content type', payload: '{"a":1}' },
    { label: 'nonsense content type', contentType: 'application/x-nonsense', payload: rnd.bytes(32) },
  ];
}

/** Image bytes, or JSON where image bytes belong. */
function imageBodies(rnd: SeededRandom): Payload[] {
  return [
    ...['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/octet-stream'].map((type) => ({
      label: `random bytes as ${type}`,
      contentType: type,
      payload: rnd.bytes(1 + rnd.int(4096)),
    })),
    { label: 'empty image', contentType: 'image/png', payload: Buffer.alloc(0) },
    { label: 'no body and no content type', payload: Buffer.alloc(0) },
    { label: 'PNG signature only', contentType: 'image/png', payload: Buffer.from('89504e470d0a1a0a', 'hex') },
    { label: 'a JSON object instead of an image', contentType: 'application/json', payload: '{"bytes":"x"}' },
    {
      label: 'a JSON object nested 20,000 deep instead of an image',
      contentType: 'application/json',
      payload: `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`,
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// Cases per operation

const junkIds = [
  '0',
  '-1',
  'nope',
  'null',
  '__proto__',
  'constructor',
  'a'.repeat(64),
  'a'.repeat(65),
  '1e309',
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('../../etc/passwd'),
  '%F0%9F%92%A9',
  encodeURIComponent('中文'),
];

function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
}

function queryString(query: Record<string, unknown>): string {
  const parts = Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

interface Variant {
  params: Record<string, string>;
  real: boolean;
}

/** Path parameters: each of the fixture's real rows, then junk ids and one well-formed id that names nothing. */
function pathVariants(op: Operation, values: Values, rnd: SeededRandom): Variant[] {
  const names = parameters(op, 'path').map((p) => p.name as string);
  if (names.length === 0) return [{ params: {}, real: true }];
  const real = names.map((name) => {
    const found = values.real(name, op.path);
    if (found.length === 0) throw new Error(`the fixture has no real value for {${name}} in ${op.path}: give it one`);
    return found;
  });
  const variants: Variant[] = [];
  const longest = Math.max(...real.map((r) => r.length));
  for (let i = 0; i < longest; i++) {
    variants.push({ params: Object.fromEntries(names.map((n, j) => [n, real[j]?.[i % (real[j]?.length ?? 1)] ?? ''])), real: true });
  }
  for (const junk of ['%00', ...rnd.sample(junkIds, 2), randomUUID()]) {
    const which = rnd.int(names.length);
    variants.push({ params: Object.fromEntries(names.map((n, j) => [n, j === which ? junk : (real[j]?.[0] ?? '')])), real: false });
  }
  return variants;
}

/** A valid query for the operation's required query parameters (the upload's storeId, say). */
function baseQuery(op: Operation, values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters(op, 'query')) if (p.required) out[p.name] = sample(p.schema, p.name, values);
  return out;
}

/** The operation's required header parameters, real where the fixture knows them. */
function baseHeaders(op: Operation, values: Values): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of parameters(op, 'header'))
    if (p.required) out[p.name] = values.reference(p.name) ?? String(sample(p.schema, p.name, values));
  return out;
}

/** The same request without each required header, and with each header too long. */
function junkHeaders(op: Operation, values: Values): { label: string; headers: Record<string, string> }[] {
  const base = baseHeaders(op, values);
  return parameters(op, 'header').flatMap((p) => {
    const { [p.name]: _, ...without } = base;
    const max = leafOf(p.schema).schema.maxLength;
    return [
      ...(p.required ? [{ label: `header ${p.name} missing`, headers: without }] : []),
      ...(max === undefined ? [] : [{ label: `header ${p.name} too long`, headers: { ...base, [p.name]: 'x'.repeat(max + 1) } }]),
    ];
  });
}

/** Query strings with a parameter broken, or junk no parameter expects: unsafe integers always, the rest drawn. */
function junkQueries(op: Operation, values: Values, rnd: SeededRandom, count: number): { label: string; query: string }[] {
  const base = baseQuery(op, values);
  const always: { label: string; query: string }[] = [];
  const drawn: { label: string; query: string }[] = [];
  const add = (into: typeof always, name: string, v: string) =>
    into.push({ label: `query ${name} = ${JSON.stringify(v).slice(0, 40)}`, query: queryString({ ...base, [name]: v }) });
  for (const p of parameters(op, 'query')) {
    const s = leafOf(p.schema).schema;
    if (s.type === 'integer' || s.type === 'number') {
      add(always, p.name, '1e20');
      for (const v of ['9007199254740993', '-1', '1.5', 'NaN', 'Infinity', '', 'abc', '0x10', ' 5', '1,2', '-0']) add(drawn, p.name, v);
    } else if (s.type === 'boolean') {
      for (const v of ['yes', '2', '', 'TRUE']) add(drawn, p.name, v);
    } else {
      add(always, p.name, 'a\u0000b');
      for (const v of ['x'.repeat((s.maxLength ?? 100) + 1), '%00', "' OR 1=1 --", '💩', '', 'nope']) add(drawn, p.name, v);
    }
    drawn.push({
      label: `query ${p.name} given twice`,
      query: `${queryString(base)}${Object.keys(base).length ? '&' : '?'}${p.name}=1&${p.name}=2`,
    });
  }
  for (const q of [
    '?zz=1',
    '?%',
    '?%E0%A4%A',
    '?__proto__[polluted]=1',
    '?constructor[prototype][polluted]=1',
    `?x=${'y'.repeat(20_000)}`,
    `?${'a=1&'.repeat(2_000)}`,
    '?storeId[]=1',
    '?&&&==',
  ]) {
    drawn.push({ label: `query ${q.slice(0, 40)}`, query: q });
  }
  return [...always, ...rnd.sample(drawn, count)];
}

/** Requests for a read: the fixture's rows with junk query strings, and junk ids. */
export function readCases(op: Operation, values: Values, rnd: SeededRandom): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const variant of pathVariants(op, values, rnd)) {
    const url = fillPath(op.path, variant.params);
    const prefix = variant.real ? '' : 'junk id, ';
    cases.push({
      label: `${prefix}plain`,
      method: op.method,
      url: `${url}${queryString(baseQuery(op, values))}`,
      mustRefuse: !variant.real,
    });
    if (!variant.real) continue;
    for (const q of junkQueries(op, values, rnd, 5))
      cases.push({ label: q.label, method: op.method, url: `${url}${q.query}`, mustRefuse: false });
  }
  return cases;
}

/**
 * Requests for a change, none of which may succeed: bodies that break the schema (missing, mistyped,
 * oversized, nested, hostile amounts), bodies of the wrong kind, junk ids. Against the first real row
 * every property is broken; the other rows and the junk ids get a few drawn cases. `schemaValid` says
 * which JSON bodies the published schema allows: those may be refused only by the service, or
 * (a negative tenderedFen on a code payment, say) rightly ignored.
 */
export function mutationCases(op: Operation, values: Values, rnd: SeededRandom, schemaValid: (body: unknown) => boolean): FuzzCase[] {
  const schema = jsonBodySchema(op);
  const images = imageUploads.has(`${op.method} ${op.path}`);
  const cases: FuzzCase[] = [];
  const variants = pathVariants(op, values, rnd);
  const query = queryString(baseQuery(op, values));
  const urlOf = (v: Variant) => `${fillPath(op.path, v.params)}${query}`;
  const send = (v: Variant, p: Payload, mustRefuse = true) =>
    cases.push({
      ...p,
      label: `${v.real ? '' : 'junk id, '}${p.label}`,
      method: op.method,
      url: urlOf(v),
      mustRefuse: mustRefuse || !v.real,
    });
  const json = (v: Variant, label: string, body: unknown) => {
    const written = writeJson(body);
    send(v, { label, contentType: 'application/json', payload: written }, !(isJson(written) && schemaValid(JSON.parse(written))));
  };
  // A route without a body may ignore one that parses, and succeed: send it only what cannot parse.
  const wrongKind = malformedBodies(rnd).filter((p) => schema || images || !p.json);

  const [first, ...others] = variants;
  if (!first) return cases;
  if (schema) {
    for (const objectSchema of variantsOf(schema)) {
      const base = sample(objectSchema, '', values);
      for (const prop of properties(objectSchema)) {
        const where = `body.${prop.path.join('.')}`;
        if (prop.required) json(first, `${where} missing`, withValue(base, objectSchema, prop.path, undefined, values, true));
        const hostile = hostileValues(String(prop.path[prop.path.length - 1]), prop.schema);
        for (const h of [
          ...hostile.filter((x) => x.always),
          ...rnd.sample(
            hostile.filter((x) => !x.always),
            2,
          ),
        ]) {
          json(first, `${where} = ${h.label}`, withValue(base, objectSchema, prop.path, h.value, values));
        }
      }
      if (objectSchema.additionalProperties === false) json(first, 'an unexpected property', { ...(base as object), unexpected: 1 });
    }
    const wholeBodies: [string, unknown][] = [
      ['body []', []],
      ['body "text"', 'text'],
      ['body null', null],
      ['body nested 3,000 deep', nested(3_000)],
    ];
    for (const [label, body] of rnd.sample(wholeBodies, 2)) json(first, label, body);
    // Bytes with an upload type, to a route that wants JSON: never a JSON object in disguise.
    send(
      first,
      rnd.pick([
        { label: 'image/png bytes', contentType: 'image/png', payload: rnd.bytes(64) },
        { label: 'empty image/png', contentType: 'image/png', payload: Buffer.alloc(0) },
        { label: 'empty octet-stream', contentType: 'application/octet-stream', payload: Buffer.alloc(0) },
      ]),
    );
  }
  if (images) for (const p of imageBodies(rnd)) send(first, p);
  for (const p of rnd.sample(wrongKind, 3)) send(first, p);
  for (const v of others) {
    if (!v.real && schema) {
      send(v, { label: 'a body that fits the schema', contentType: 'application/json', payload: writeJson(sample(schema, '', values)) });
    } else if (!v.real) {
      cases.push({ label: 'junk id, no body', method: op.method, url: urlOf(v), mustRefuse: true });
    }
    for (const p of rnd.sample(wrongKind, 1)) send(v, p);
  }
  if (parameters(op, 'query').length > 0) {
    const url = fillPath(op.path, first.params);
    for (const q of junkQueries(op, values, rnd, 3)) {
      cases.push({
        label: q.label,
        method: op.method,
        url: `${url}${q.query}`,
        contentType: 'image/png',
        payload: rnd.bytes(16),
        mustRefuse: true,
      });
    }
  }
  const headers = baseHeaders(op, values);
  for (const c of cases) c.headers = headers;
  for (const h of junkHeaders(op, values)) {
    cases.push({
      label: h.label,
      method: op.method,
      url: urlOf(first),
      contentType: 'application/json',
      payload: '{}',
      headers: h.headers,
      mustRefuse: true,
    });
  }
  return cases;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

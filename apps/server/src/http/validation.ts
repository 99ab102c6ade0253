import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM loader.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly: a number where a string belongs is an error, not a silent coercion.
 * Query strings and path parameters arrive as text, so only they are coerced.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ allErrors: false, coerceTypes: coerce, useDefaults: true, removeAdditional: false, strict: false });
  addFormats(ajv);
  ajv.addKeyword({
    keyword: 'noNul',
    type: 'string',
    schemaType: 'boolean',
    errors: false,
    validate: (_: boolean, text: string) => !text.includes('\u0000'),
  });
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv(true);

/**
 * Input is checked against what the database can hold, on top of each route's own rules, so that bad
 * input is a 400 and never a database error (a 500 on PostgreSQL):
 * - JSON Schema's "integer" admits 1e20 and 2^53 + 1, which no bigint column, sum or comparison holds
 *   exactly (PostgreSQL refuses "1e+20" as a bigint): every integer stays within the safe range;
 * - PostgreSQL cannot store U+0000 in text, and no real input contains it: no string may.
 */
function storable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(storable);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, storable(v)]));
  if (out.type === 'integer') {
    out.minimum = Math.max(typeof out.minimum === 'number' ? out.minimum : -Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER);
    out.maximum = Math.min(typeof out.maximum === 'number' ? out.maximum : Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
  if (out.type === 'string') out.noNul = true;
  return out;
}

// One copy per schema, so that a schema shared by many routes stays one compiled validator in Ajv's cache.
const storableCopies = new WeakMap<object, object>();

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const copy = storableCopies.get(schema as object) ?? (storable(schema) as object);
  storableCopies.set(schema as object, copy);
  const fn: ValidateFunction = (httpPart === 'body' ? bodyAjv : textAjv).compile(copy);
  return fn as ReturnType<FastifySchemaCompiler<unknown>>;
};

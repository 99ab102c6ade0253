import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** A Kysely instance or a transaction: repositories work the same inside and outside one. */
export type Executor = Kysely<Database>;

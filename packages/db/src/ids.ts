import { v7 } from 'uuid';

/** UUIDv7: random enough to be unguessable, time-ordered so that inserts stay at the end of the index. */
export function newId(): string {
  return v7();
}

import { can, DomainError, type Permission, type Role } from '@paydesk/domain';
import type { RequestKey } from '../context.ts';

/** Who is acting: taken from the session on the server, never from the request body. */
export interface Actor {
  merchantId: string;
  userId: string;
  role: Role;
  /** The store a manager or cashier belongs to; null for an owner. */
  storeId: string | null;
  /** The station this session is open at (read with the session; null when none, or it is gone). */
  station: { id: string; storeId: string } | null;
  /** The Idempotency-Key of the request this person is making, as claimed (see inRequestTransaction). */
  requestKey?: RequestKey | undefined;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw new DomainError('FORBIDDEN');
}

/** Owners see every store; everyone else sees only their own. */
export function storeScope(actor: Actor): string | null {
  return actor.role === 'owner' ? null : actor.storeId;
}

/**
 * A record of another store is reported as missing rather than forbidden, so ids of other stores
 * (and other merchants) cannot be probed.
 */
export function assertStoreVisible(actor: Actor, storeId: string): void {
  if (actor.role !== 'owner' && actor.storeId !== storeId) throw new DomainError('NOT_FOUND');
}

/**
 * The payments an actor may see, as a filter: an owner every store, a manager their own store, a cashier
 * their own sales. Shared by the records, their totals and export, and the daily report, so that no view
 * shows more than another.
 */
export function recordScope<F extends { storeId?: string; cashierId?: string }>(actor: Actor, filter: F): F & { cashierId?: string } {
  requirePermission(actor, 'payment.read');
  return { ...filter, storeId: storeScope(actor) ?? filter.storeId, ...(actor.role === 'cashier' && { cashierId: actor.userId }) };
}

import { type AuditEntry, newId } from '@paydesk/db';
import type { AppContext } from '../context.ts';

/** One audit entry: who did what to which record, with the before/after detail that matters. */
export function auditRow(
  ctx: AppContext,
  merchantId: string,
  actorUserId: string | null,
  action: string,
  targetType: string,
  targetId: string,
  detail: Record<string, unknown>,
): AuditEntry {
  return {
    id: newId(),
    merchant_id: merchantId,
    actor_user_id: actorUserId,
    action,
    target_type: targetType,
    target_id: targetId,
    detail: JSON.stringify(detail),
    created_at: ctx.now(),
  };
}

export const roles = ['owner', 'manager', 'cashier'] as const;
export type Role = (typeof roles)[number];

/**
 * What each role may do. Checked on the server for every route; the web hides what a role cannot do,
 * but never relies on that.
 */
export const permissions = {
  'merchant.read': ['owner', 'manager', 'cashier'],
  'store.manage': ['owner'],
  'store.read': ['owner', 'manager', 'cashier'],
  'station.manage': ['owner', 'manager'],
  'station.read': ['owner', 'manager', 'cashier'],
  'staff.manage': ['owner', 'manager'],
  'staff.read': ['owner', 'manager'],
  'audit.read': ['owner'],
  'code.read': ['owner', 'manager', 'cashier'],
  'code.manage': ['owner', 'manager'],
  'binding.manage': ['owner', 'manager'],
  'channel.manage': ['owner'],
  'payment.take': ['owner', 'manager', 'cashier'],
  'payment.read': ['owner', 'manager', 'cashier'],
  'payment.refund': ['owner', 'manager'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role, permission: Permission): boolean {
  return (permissions[permission] as readonly Role[]).includes(role);
}

/** A manager runs one store: they may add or change only cashiers of that store, never owners or managers. */
export function canManageStaffMember(
  actor: { role: Role; storeId: string | null },
  target: { role: Role; storeId: string | null },
): boolean {
  if (actor.role === 'owner') return true;
  if (actor.role === 'manager') return target.role === 'cashier' && target.storeId !== null && target.storeId === actor.storeId;
  return false;
}

import { newId, type User, type UserUpdate } from '@paydesk/db';
import { canManageStaffMember, checkPin, DomainError, normalizeEmail, normalizeMobile, type Role } from '@paydesk/domain';
import { hashPassword } from '../auth/password.ts';
import { type AppContext, inRequestTransaction, inTransaction } from '../context.ts';
import { type Actor, requirePermission, storeScope } from './actor.ts';
import { auditRow } from './audit.ts';
import { FieldChecker } from './fields.ts';

export interface NewStaffInput {
  name: string;
  phone: string;
  email?: string | undefined;
  role: Role;
  storeId?: string | null | undefined;
  password: string;
  pin?: string | undefined;
}

export interface StaffPatch {
  name?: string | undefined;
  role?: Role | undefined;
  storeId?: string | null | undefined;
  status?: 'active' | 'disabled' | undefined;
  password?: string | undefined;
  pin?: string | undefined;
}

export class StaffService {
  constructor(private readonly ctx: AppContext) {}

  async list(actor: Actor): Promise<User[]> {
    requirePermission(actor, 'staff.read');
    return this.ctx.repos.users.list(actor.merchantId, { storeId: storeScope(actor) ?? undefined });
  }

  async create(actor: Actor, input: NewStaffInput): Promise<User> {
    requirePermission(actor, 'staff.manage');
    const f = new FieldChecker();
    const name = f.text('name', input.name, 50);
    const phone = normalizeMobile(input.phone);
    if (!phone) f.fail('phone', 'MOBILE_INVALID');
    const email = input.email ? normalizeEmail(input.email) : null;
    if (input.email && !email) f.fail('email', 'EMAIL_INVALID');
    const storeId = input.role === 'owner' ? null : (input.storeId ?? null);
    if (input.role !== 'owner' && !storeId) f.fail('storeId', 'STORE_REQUIRED');
    f.password('password', input.password);
    if (input.pin !== undefined && checkPin(input.pin) !== 'ok') f.fail('pin', 'PIN_INVALID');
    f.done();
    if (!canManageStaffMember(actor, { role: input.role, storeId })) throw new DomainError('FORBIDDEN');
    if (storeId && !(await this.ctx.repos.stores.findById(actor.merchantId, storeId))) throw new DomainError('NOT_FOUND');
    if (await this.ctx.repos.users.existsWithPhoneOrEmail(phone ?? '', email)) {
      throw new DomainError('ACCOUNT_TAKEN', [{ field: 'phone', code: 'ACCOUNT_TAKEN' }]);
    }

    const now = this.ctx.now();
    const user = {
      id: newId(),
      merchant_id: actor.merchantId,
      store_id: storeId,
      name,
      phone: phone ?? '',
      email,
      role: input.role,
      password_hash: await hashPassword(input.password),
      pin_hash: input.pin ? await hashPassword(input.pin) : null,
      pin_failures: 0,
      status: 'active' as const,
      created_at: now,
      updated_at: now,
    };
    await inRequestTransaction(this.ctx, actor, async (repos) => {
      await repos.users.insert(user);
      await repos.audit.append(
        auditRow(this.ctx, actor.merchantId, actor.userId, 'staff.created', 'user', user.id, { name, role: input.role, storeId }),
      );
    });
    return user;
  }

  async update(actor: Actor, id: string, patch: StaffPatch): Promise<User> {
    requirePermission(actor, 'staff.manage');
    const target = await this.ctx.repos.users.findById(actor.merchantId, id);
    if (!target || !canManageStaffMember(actor, { role: target.role, storeId: target.store_id })) throw new DomainError('NOT_FOUND');

    const f = new FieldChecker();
    const next = {
      name: patch.name === undefined ? target.name : f.text('name', patch.name, 50),
      role: patch.role ?? target.role,
      storeId: patch.storeId === undefined ? target.store_id : patch.storeId,
      status: patch.status ?? target.status,
    };
    if (next.role === 'owner') next.storeId = null;
    if (next.role !== 'owner' && !next.storeId) f.fail('storeId', 'STORE_REQUIRED');
    if (patch.password !== undefined) f.password('password', patch.password);
    if (patch.pin !== undefined && checkPin(patch.pin) !== 'ok') f.fail('pin', 'PIN_INVALID');
    f.done();
    // The actor must be allowed to manage the person both as they are and as they will be.
    if (!canManageStaffMember(actor, { role: next.role, storeId: next.storeId })) throw new DomainError('FORBIDDEN');
    if (next.storeId && !(await this.ctx.repos.stores.findById(actor.merchantId, next.storeId))) throw new DomainError('NOT_FOUND');

    const losesOwner = target.role === 'owner' && target.status === 'active' && (next.role !== 'owner' || next.status !== 'active');
    if (losesOwner && (await this.ctx.repos.users.countActiveOwners(actor.merchantId)) <= 1) throw new DomainError('LAST_OWNER');

    const now = this.ctx.now();
    const update: UserUpdate = { name: next.name, role: next.role, store_id: next.storeId, status: next.status, updated_at: now };
    if (patch.password !== undefined) update.password_hash = await hashPassword(patch.password);
    if (patch.pin !== undefined) {
      update.pin_hash = await hashPassword(patch.pin);
      update.pin_failures = 0;
    }
    const changed = {
      ...(next.name !== target.name && { name: [target.name, next.name] }),
      ...(next.role !== target.role && { role: [target.role, next.role] }),
      ...(next.storeId !== target.store_id && { storeId: [target.store_id, next.storeId] }),
      ...(next.status !== target.status && { status: [target.status, next.status] }),
      ...(patch.password !== undefined && { password: 'reset' }),
      ...(patch.pin !== undefined && { pin: 'reset' }),
    };
    await inTransaction(this.ctx, async (repos) => {
      await repos.users.update(actor.merchantId, id, update);
      // Losing access or a password change must end the person's open sessions at once.
      if (next.status !== 'active' || patch.password !== undefined || next.role !== target.role || next.storeId !== target.store_id) {
        await repos.sessions.deleteForUser(actor.merchantId, id);
      }
      await repos.audit.append(auditRow(this.ctx, actor.merchantId, actor.userId, 'staff.updated', 'user', id, changed));
    });
    const updated = await this.ctx.repos.users.findById(actor.merchantId, id);
    if (!updated) throw new DomainError('NOT_FOUND');
    return updated;
  }
}

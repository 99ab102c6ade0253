import { type Permission, permissions, type Role } from '@paydesk/domain';

/**
 * Routes do not declare the permission they need: their services call requirePermission(), which asks
 * can() and so reads the permissions table of roles.ts. Watching which entries of that table are read
 * while the server answers one request tells which permissions the operation asks for, with no list
 * kept by hand beside the code. Answer one request at a time while watching.
 */
export class PermissionWatch {
  /** The table as roles.ts defines it, read before the watch was put on. */
  readonly table: Readonly<Record<Permission, readonly Role[]>> = { ...permissions };
  private readonly read = new Set<Permission>();

  constructor() {
    for (const name of Object.keys(this.table) as Permission[]) {
      const roles = this.table[name];
      Object.defineProperty(permissions, name, {
        get: () => {
          this.read.add(name);
          return roles;
        },
        enumerable: true,
        configurable: true,
      });
    }
  }

  /** Runs fn and returns, with its result, the permissions asked for while it ran. */
  async during<T>(fn: () => Promise<T>): Promise<{ result: T; asked: Permission[] }> {
    this.read.clear();
    const result = await fn();
    return { result, asked: [...this.read].sort() };
  }

  /** The permissions of `asked` that this role lacks. */
  lacking(role: Role, asked: readonly Permission[]): Permission[] {
    return asked.filter((p) => !this.table[p].includes(role));
  }

  stop(): void {
    for (const name of Object.keys(this.table) as Permission[]) {
      Object.defineProperty(permissions, name, { value: this.table[name], enumerable: true, configurable: true, writable: true });
    }
  }
}

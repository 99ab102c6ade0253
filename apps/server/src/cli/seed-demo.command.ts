import { newId, openDatabase } from '@paydesk/db';
import { buildApp } from '../app.ts';
import { hashPassword } from '../auth/password.ts';
import type { Config } from '../config.ts';
import { inTransaction } from '../context.ts';

/** A valid credit code (both checksums) reserved for the demo merchant, so seeding twice finds it. */
export const demoUscc = '91110108MA01PAYD4B';

export const demoAccounts = [
  { role: 'owner', name: '王老板', phone: '13900000001', email: 'owner@demo.paydesk.local', password: 'demo-owner-2026', pin: '2580' },
  { role: 'manager', name: '李店长', phone: '13900000002', email: null, password: 'demo-manager-2026', pin: '3691' },
  { role: 'cashier', name: '张收银', phone: '13900000003', email: null, password: 'demo-cashier-2026', pin: '1470' },
] as const;

export async function seedDemo(config: Config): Promise<void> {
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const app = await buildApp({ config, db, startWorker: false, logger: false });
  const { ctx } = app;
  try {
    if (await ctx.repos.merchants.findByUscc(demoUscc)) {
      console.log('The demo merchant already exists.');
    } else {
      const now = ctx.now();
      const merchantId = newId();
      const storeId = newId();
      const users = await Promise.all(
        demoAccounts.map(async (a) => ({
          id: newId(),
          merchant_id: merchantId,
          store_id: a.role === 'owner' ? null : storeId,
          name: a.name,
          phone: a.phone,
          email: a.email,
          role: a.role,
          password_hash: await hashPassword(a.password),
          pin_hash: await hashPassword(a.pin),
          status: 'active' as const,
          created_at: now,
          updated_at: now,
        })),
      );
      await inTransaction(ctx, async (repos) => {
        await repos.merchants.insert({
          id: merchantId,
          name: '演示便利店有限公司',
          uscc: demoUscc,
          contact_name: '王老板',
          contact_phone: '13900000001',
          contact_email: 'owner@demo.paydesk.local',
          bank_account_name: '演示便利店有限公司',
          bank_name: '中国工商银行北京海淀支行',
          bank_account_sealed: ctx.secrets.seal('6212260200001234567'),
          bank_account_last4: '4567',
          status: 'active',
          created_at: now,
          updated_at: now,
        });
        await repos.stores.insert({
          id: storeId,
          merchant_id: merchantId,
          name: '中关村店',
          address: '北京市海淀区中关村大街 1 号',
          created_at: now,
          updated_at: now,
        });
        await repos.stations.insert({
          id: newId(),
          merchant_id: merchantId,
          store_id: storeId,
          name: '1 号收银台',
          created_at: now,
          updated_at: now,
        });
        for (const u of users) await repos.users.insert(u);
      });
      console.log('Created the demo merchant 演示便利店有限公司 with store 中关村店 and station 1 号收银台.');
    }
    console.log('Sign in at the web page with one of these (mobile / password / station PIN):');
    for (const a of demoAccounts) console.log(`  ${a.role.padEnd(8)} ${a.name}  ${a.phone}  ${a.password}  PIN ${a.pin}`);
  } finally {
    await app.close();
    await db.close();
  }
}

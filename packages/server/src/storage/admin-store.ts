/** Admin users, their sign-in sessions, and server settings. */
import { randomUUID } from 'node:crypto';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { AdminUsersTable } from './tables.js';

/** A stored admin session. */
export interface AdminSessionRecord {
  userId: string;
  email: string;
  csrfToken: string;
  expiresAt: string;
}

type Db = Database['db'];

/** Admin users: count, create, find, change a password. */
function adminUserMethods(db: Db, now: () => Date) {
  return {
    async countAdmins(): Promise<number> {
      const row = await db
        .selectFrom('admin_users')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async createAdmin(email: string, passwordHash: string): Promise<AdminUsersTable> {
      const row: AdminUsersTable = {
        id: randomUUID(),
        email: email.toLowerCase(),
        password_hash: passwordHash,
        created_at: now().toISOString(),
      };
      try {
        await db.insertInto('admin_users').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError('conflict', 'that admin exists');
        throw error;
      }
      return row;
    },

    async findAdminByEmail(email: string): Promise<AdminUsersTable | undefined> {
      return db
        .selectFrom('admin_users')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
    },

    async findAdmin(id: string): Promise<AdminUsersTable | undefined> {
      return db.selectFrom('admin_users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async setPassword(userId: string, passwordHash: string): Promise<void> {
      await db
        .updateTable('admin_users')
        .set({ password_hash: passwordHash })
        .where('id', '=', userId)
        .execute();
      // A new password signs every other device out.
      await db.deleteFrom('admin_sessions').where('user_id', '=', userId).execute();
    },
  };
}

/** Admin sign-in sessions, by token hash. */
function adminSessionMethods(db: Db, now: () => Date) {
  return {
    async createSession(input: {
      tokenHash: string;
      userId: string;
      csrfToken: string;
      expiresAt: string;
    }): Promise<void> {
      await db
        .insertInto('admin_sessions')
        .values({
          id: input.tokenHash,
          user_id: input.userId,
          csrf_token: input.csrfToken,
          created_at: now().toISOString(),
          expires_at: input.expiresAt,
        })
        .execute();
    },

    /** The live session for a token hash (expired ones are deleted and not returned). */
    async findSession(tokenHash: string): Promise<AdminSessionRecord | undefined> {
      const row = await db
        .selectFrom('admin_sessions')
        .innerJoin('admin_users', 'admin_users.id', 'admin_sessions.user_id')
        .select([
          'admin_sessions.user_id as userId',
          'admin_users.email as email',
          'admin_sessions.csrf_token as csrfToken',
          'admin_sessions.expires_at as expiresAt',
        ])
        .where('admin_sessions.id', '=', tokenHash)
        .executeTakeFirst();
      if (!row) return undefined;
      if (row.expiresAt <= now().toISOString()) {
        await db.deleteFrom('admin_sessions').where('id', '=', tokenHash).execute();
        return undefined;
      }
      return row;
    },

    async deleteSession(tokenHash: string): Promise<void> {
      await db.deleteFrom('admin_sessions').where('id', '=', tokenHash).execute();
    },
  };
}

/** Server settings, by key. */
function settingsMethods(db: Db) {
  return {
    async getSetting(key: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value;
    },

    async setSetting(key: string, value: string): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('settings').where('key', '=', key).execute();
        await trx.insertInto('settings').values({ key, value }).execute();
      });
    },

    async deleteSetting(key: string): Promise<void> {
      await db.deleteFrom('settings').where('key', '=', key).execute();
    },
  };
}

/** Data access for admins, sessions and settings. */
export function createAdminStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    ...adminUserMethods(db, now),
    ...adminSessionMethods(db, now),
    ...settingsMethods(db),
  };
}

/** See {@link createAdminStore}. */
export type AdminStore = ReturnType<typeof createAdminStore>;

/**
 * What `createParleyServer` does once before serving: open the store, seed it, make the first
 * admin, settle the shared resume-token key and close what a crash left active.
 */
import { randomBytes } from 'node:crypto';
import { bootstrapAdmin } from './admin/admin-auth.js';
import type { Logger } from './logger.js';
import type { ParleyLimits } from './server-limits.js';
import type { ParleyServerOptions } from './server-options.js';
import { ResumeTokens, resumeKeySetting } from './sessions/resume.js';
import type { SharedState } from './coordination/shared-state.js';
import { openDatabase } from './storage/database.js';
import { createStore } from './storage/store.js';
import type { Store } from './storage/store.js';
import { seedTemplates } from './templates.js';

/** What every part of the server is built with. */
export interface ServerContext {
  options: ParleyServerOptions;
  env: NodeJS.ProcessEnv;
  log: Logger;
  now: () => Date;
  limits: Required<ParleyLimits>;
}

/** The store given in the options, else one opened (and migrated) from `database` or the env. */
export async function openServerStore({ options, env, log, now }: ServerContext): Promise<Store> {
  if (options.store) return options.store;
  const database = await openDatabase({
    ...(options.database ?? {
      databaseUrl: env.DATABASE_URL,
      dataDir: env.PARLEY_DATA_DIR || undefined,
    }),
    onConnectionError: (error) =>
      log.warn('a database connection dropped; it is replaced on next use', { error }),
  });
  return createStore(database, { now });
}

/** What the startup work found: the admin bootstrap and the stored resume-token key. */
export interface Started {
  bootstrap: Awaited<ReturnType<typeof bootstrapAdmin>>;
  resumeKey: string;
}

/**
 * Seeds templates, makes the first admin, settles the resume key and closes abandoned
 * conversations. Instances starting together on one empty database take turns (an advisory
 * lock), so the second sees the first's templates and admin instead of inserting them again.
 */
export async function startStore(
  store: Store,
  { options, env, log, now, limits }: ServerContext,
): Promise<Started> {
  const started = await store.database.exclusive(async () => {
    if (options.seedTemplates ?? true) {
      const seeded = await seedTemplates(store);
      if (seeded > 0) log.info(`seeded ${seeded} template agents`);
    }
    const bootstrap = await bootstrapAdmin(store, {
      email: options.admin?.email ?? env.PARLEY_ADMIN_EMAIL,
      password: options.admin?.password ?? env.PARLEY_ADMIN_PASSWORD,
    });
    const resumeKey = await storedResumeKey(store);
    // Conversations a crashed process left active: all of them on the embedded single-instance
    // database; on PostgreSQL only those older than any live conversation can be (others may be
    // live on another instance).
    const abandoned = await store.conversations.closeAbandoned(
      store.database.dialect === 'sqlite'
        ? undefined
        : new Date(now().getTime() - limits.maxSessionMs - 60_000),
    );
    if (abandoned > 0) log.info(`closed ${abandoned} conversations left active by a crash`);
    return { bootstrap, resumeKey };
  });
  if (started.bootstrap.created) log.info(`created the first admin ${started.bootstrap.created}`);
  return started;
}

/**
 * One resume-token key for every instance and restart (a per-process key would make a drained
 * conversation unresumable elsewhere).
 */
async function storedResumeKey(store: Store): Promise<string> {
  let resumeKey = await store.admin.getSetting(resumeKeySetting);
  if (resumeKey === undefined) {
    resumeKey = randomBytes(32).toString('base64');
    await store.admin.setSetting(resumeKeySetting, resumeKey);
  }
  return resumeKey;
}

/** Resume tokens signed with the key the shared state agrees on (first writer wins). */
export async function sharedResumeTokens(
  shared: SharedState,
  started: Started,
): Promise<ResumeTokens> {
  return new ResumeTokens(
    Buffer.from(await shared.sharedKey(resumeKeySetting, started.resumeKey), 'base64'),
  );
}

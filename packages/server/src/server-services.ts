/** The mailer and the shared state `createParleyServer` uses, from its options or the env. */
import { memorySharedState } from './coordination/shared-state.js';
import type { SharedState } from './coordination/shared-state.js';
import { postgresSharedState } from './coordination/postgres-shared-state.js';
import { redisSharedState } from './coordination/redis-shared-state.js';
import type { ServerContext } from './server-startup.js';
import type { Store } from './storage/store.js';
import { createMailer, createOutboxMailer } from './tools/mailer.js';
import type { Mailer } from './tools/mailer.js';
import type { Upstream } from './upstream.js';

/** The given mailer, else SMTP when configured, else the admin's local outbox. */
export function resolveMailer({ options, env, log }: ServerContext, store: Store): Mailer {
  if (options.mailer) return options.mailer;
  const mailSettings = options.mail ?? { smtpUrl: env.SMTP_URL, from: env.PARLEY_MAIL_FROM };
  if (!mailSettings.smtpUrl) {
    // No SMTP server: notification emails are kept in the local outbox the admin shows.
    log.info('email is not configured (set SMTP_URL): notification emails go to the admin Outbox');
    return createOutboxMailer((message) => store.outbox.add(message));
  }
  return createMailer(mailSettings);
}

/**
 * The given shared state, else Redis when configured, else the PostgreSQL database, else memory.
 * When Redis cannot be reached, what was opened for this server is closed before the error.
 */
export async function resolveSharedState(
  { options, env, now }: ServerContext,
  store: Store,
  upstream: Upstream,
): Promise<SharedState> {
  if (options.sharedState) return options.sharedState;
  const clock = () => now().getTime();
  const redis =
    options.redis ??
    (env.REDIS_URL
      ? {
          url: env.REDIS_URL,
          ...(env.PARLEY_REDIS_PREFIX ? { keyPrefix: env.PARLEY_REDIS_PREFIX } : {}),
        }
      : undefined);
  if (redis) {
    return redisSharedState(redis, clock).catch(async (error: unknown) => {
      await upstream.close();
      if (!options.store) await store.close();
      throw error;
    });
  }
  return store.database.dialect === 'postgres'
    ? postgresSharedState(store.database.db, clock, store.database.openConnection)
    : memorySharedState(clock);
}

/** Origins besides this server's own whose pages may call the public API. */
export function allowedOriginsOf({ options, env }: ServerContext): string[] {
  return (
    options.allowedOrigins ??
    (env.PARLEY_ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0)
  );
}

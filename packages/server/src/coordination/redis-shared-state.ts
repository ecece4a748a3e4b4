/**
 * {@link SharedState} in Redis (when `REDIS_URL` is set): each operation is one atomic command or
 * one Lua script, so concurrent instances cannot overshoot a limit. Windows are counters with an
 * expiry (`INCR` + `PEXPIRE` in a script); tickets are keys read and deleted at once (`GETDEL`);
 * a client's session-slot holds are a sorted set of holders scored by lease expiry (and a hash
 * from holder to slot), pruned and counted in the script that adds to it. Every key expires by itself, so nothing needs cleaning up.
 * Takeovers go over pub/sub (channel `<prefix>takeover`) on a second connection, the subscriber,
 * which ioredis reconnects and resubscribes by itself.
 *
 * Redis being away is reported as {@link DatabaseUnavailableError} (routes answer 503) after a
 * short wait, never a hang: commands are not queued while the connection is down.
 */
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { DatabaseUnavailableError } from '../storage/database-availability.js';
import type { SharedState } from './shared-state.js';
import { TakeoverHub } from './takeover-signal.js';
import type { TakeoverChannel, TakeoverHandler } from './takeover-signal.js';

/** Where Redis is and how its keys are named. */
export interface RedisSharedStateOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every key (several deployments or tests on one Redis). Default `parley:`. */
  keyPrefix?: string;
  /** How long connecting may take, at start-up and when reconnecting. Default 5 s. */
  connectTimeoutMs?: number;
}

/** KEYS[1] window; ARGV windowMs, extendOver (0: never). Returns { count, pttl }. */
const hitScript = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
local extend = tonumber(ARGV[2])
if ttl < 0 or (extend > 0 and count > extend) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/**
 * Counts the distinct slots of the holders in `holders` (but `except`), KEYS[2] mapping each
 * holder to its slot.
 */
const distinctSlots = `
local function distinctSlots(holders, except)
  local seen, count = {}, 0
  for _, holder in ipairs(holders) do
    local slot = redis.call('HGET', KEYS[2], holder)
    if slot and slot ~= except and not seen[slot] then
      seen[slot] = true
      count = count + 1
    end
  end
  return count
end
local function keep(leaseMs)
  for _, key in ipairs(KEYS) do
    if redis.call('PTTL', key) < leaseMs then redis.call('PEXPIRE', key, leaseMs) end
  end
end`;

/**
 * KEYS[1] the client's holds (holder scored by lease expiry), KEYS[2] holder -> slot; ARGV
 * slotId, holder, max, now, leaseMs. Returns 1 when taken.
 */
const acquireScript = `${distinctSlots}
for _, holder in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])) do
  redis.call('HDEL', KEYS[2], holder)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[4])
if distinctSlots(redis.call('ZRANGE', KEYS[1], 0, -1), ARGV[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[5]), ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
keep(tonumber(ARGV[5]))
return 1`;

/** KEYS as for acquiring; ARGV holder, expiresAt, leaseMs. Renews a hold still there. */
const renewScript = `${distinctSlots}
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[1])
  keep(tonumber(ARGV[3]))
end
return 1`;

/** KEYS as for acquiring; ARGV now. The client's distinct slots with an unexpired hold. */
const countScript = `${distinctSlots}
return distinctSlots(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf'), nil)`;

/** The client's own Redis with the scripts defined on it. */
type ScriptedRedis = Redis & {
  parleyHit(key: string, windowMs: number, extendOver: number): Promise<[number, number]>;
  parleyAcquire(
    holds: string,
    slotOf: string,
    slotId: string,
    holder: string,
    max: number,
    now: number,
    leaseMs: number,
  ): Promise<number>;
  parleyRenew(
    holds: string,
    slotOf: string,
    holder: string,
    expiresAt: number,
    leaseMs: number,
  ): Promise<number>;
  parleyCount(holds: string, slotOf: string, now: number): Promise<number>;
};

/**
 * The signal on `channel`: published on `redis` (through `run`, so Redis being away is reported as
 * unavailability), heard on a subscriber connection opened on the first join.
 */
function redisTakeovers(
  redis: Redis,
  channel: string,
  run: <T>(command: () => Promise<T>) => Promise<T>,
): { join: (handler: TakeoverHandler) => TakeoverChannel; close: () => void } {
  let subscriber: Redis | undefined;
  const hub: TakeoverHub = new TakeoverHub(
    async (message) => {
      await run(() => redis.publish(channel, message));
    },
    async () => {
      // A subscribed connection takes no other commands. Its SUBSCRIBE waits for Redis (queued
      // while it is away) and is sent again after every reconnect.
      subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      subscriber.on('error', () => undefined);
      subscriber.on('message', (_channel: string, message: string) => hub.receive(message));
      await subscriber.subscribe(channel);
    },
  );
  return { join: (handler) => hub.join(handler), close: () => subscriber?.disconnect() };
}

/** Where a URL points, without its password (for messages). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'the configured address';
  }
}

/**
 * Connects to Redis (failing within `connectTimeoutMs` with a one-line reason when it cannot) and
 * returns shared state over it. `now` is the instance's clock, used for slot leases.
 */
export async function redisSharedState(
  options: RedisSharedStateOptions,
  now: () => number = Date.now,
): Promise<SharedState> {
  const where = describe(options.url);
  const connectTimeout = options.connectTimeoutMs ?? 5_000;
  const settings: RedisOptions = {
    keyPrefix: options.keyPrefix ?? 'parley:',
    lazyConnect: true,
    connectTimeout,
    // While Redis is away, fail commands at once (routes answer 503) instead of queueing them.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  };
  const redis = new Redis(options.url, settings) as ScriptedRedis;
  // Reconnection is ioredis's job; an 'error' event without a listener would end the process.
  redis.on('error', () => undefined);
  redis.defineCommand('parleyHit', { numberOfKeys: 1, lua: hitScript });
  redis.defineCommand('parleyAcquire', { numberOfKeys: 2, lua: acquireScript });
  redis.defineCommand('parleyRenew', { numberOfKeys: 2, lua: renewScript });
  redis.defineCommand('parleyCount', { numberOfKeys: 2, lua: countScript });
  try {
    await redis.connect();
  } catch {
    redis.disconnect();
    throw new DatabaseUnavailableError(
      `Redis at ${where} did not answer within ${connectTimeout} ms`,
    );
  }

  const unavailable = (error: unknown) =>
    new DatabaseUnavailableError(`Redis at ${where} is unavailable`, { cause: error });
  /** Runs one command, reporting Redis being away as unavailability. */
  const run = async <T>(command: () => Promise<T>): Promise<T> => {
    try {
      return await command();
    } catch (error: unknown) {
      throw unavailable(error);
    }
  };
  const takeovers = redisTakeovers(redis, `${settings.keyPrefix ?? ''}takeover`, run);
  /** A client's holds and their slots (one hash tag: the scripts use both keys). */
  const holdKeys = (clientId: string) =>
    [`slot-holds:{${clientId}}`, `slot-of:{${clientId}}`] as const;

  return {
    kind: 'redis',
    async hit(key, windowMs, extendOver) {
      const [count, ttl] = await run(() =>
        redis.parleyHit(`window:${key}`, windowMs, extendOver ?? 0),
      );
      return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
    },
    async reset(key) {
      await run(() => redis.del(`window:${key}`));
    },
    async putTicket(ticket, grant, ttlMs) {
      await run(() => redis.set(`ticket:${ticket}`, grant, 'PX', ttlMs));
    },
    async takeTicket(ticket) {
      return (await run(() => redis.getdel(`ticket:${ticket}`))) ?? undefined;
    },
    async acquireSlot({ clientId, slotId, holder }, max, leaseMs) {
      const taken = await run(() =>
        redis.parleyAcquire(...holdKeys(clientId), slotId, holder, max, now(), leaseMs),
      );
      return Number(taken) === 1;
    },
    async renewSlots(holds, leaseMs) {
      if (holds.length === 0) return;
      const expiresAt = now() + leaseMs;
      await run(() =>
        Promise.all(
          holds.map(({ clientId, holder }) =>
            redis.parleyRenew(...holdKeys(clientId), holder, expiresAt, leaseMs),
          ),
        ),
      );
    },
    async releaseSlot({ clientId, holder }) {
      const [holds, slotOf] = holdKeys(clientId);
      await run(() => redis.multi().zrem(holds, holder).hdel(slotOf, holder).exec());
    },
    async slotsOf(clientId) {
      return Number(await run(() => redis.parleyCount(...holdKeys(clientId), now())));
    },
    async sharedKey(name, candidate) {
      await run(() => redis.set(`key:${name}`, candidate, 'NX'));
      const stored = await run(() => redis.get(`key:${name}`));
      return stored ?? candidate;
    },
    takeovers: (handler) => takeovers.join(handler),
    async ping() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      takeovers.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

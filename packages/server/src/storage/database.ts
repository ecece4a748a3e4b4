/**
 * Opens the Parley database: the embedded SQLite default in a data directory (no setup), or
 * PostgreSQL when a `postgres://` URL is given, and brings its schema up to date.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import type { Client, Pool } from 'pg';
import { parleyMigrations } from './migrations.js';
import type { DialectName } from './migrations.js';
import type { Tables } from './tables.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-availability.js';
import { ReplaceNulCharactersPlugin } from './nul-characters.js';
import { CurrentSchemaPostgresDialect } from './schema-introspector.js';

/** An open database with its dialect. */
export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
  /** Where the data lives, for logs (`sqlite:<file>` or the PostgreSQL host and database). */
  readonly description: string;
  /**
   * Runs `task` while holding the database-wide start-up lock (a PostgreSQL advisory lock), so
   * instances starting together seed and bootstrap one after the other. SQLite runs it at once.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** True when a trivial query answers (for `/ready`). */
  ping(): Promise<boolean>;
  /**
   * PostgreSQL: opens a connection of its own, outside the pool, with the pool's settings but no
   * statement timeout (for `LISTEN`, which holds its connection). Absent on SQLite.
   */
  openConnection?: () => Promise<Client>;
  close(): Promise<void>;
}

/** Where to store data. */
export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; unset, the embedded SQLite default. Any other scheme is refused. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file (created when missing). Default `./.parley-data`. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created when missing); tests use one per file. */
  schema?: string | undefined;
  /** Maximum PostgreSQL pool size. Default 10. */
  poolSize?: number | undefined;
  /** How long to wait for a PostgreSQL connection. Default 5 s. */
  connectTimeoutMs?: number | undefined;
  /** Longest PostgreSQL statement (server-side `statement_timeout`). Default 15 s. */
  statementTimeoutMs?: number | undefined;
  /** `application_name` of the PostgreSQL connections (shown in `pg_stat_activity`). Default `parley`. */
  applicationName?: string | undefined;
  /** Told about a pooled connection that failed while idle (a restart, a failover). */
  onConnectionError?: ((error: Error) => void) | undefined;
}

const bigNumberTypes = new Set([20, 1700]); // int8 and numeric: COUNT() and SUM() results

/**
 * Which backend a `DATABASE_URL` selects. A URL that is set but is not PostgreSQL is a mistake
 * (`postgress://`, `mysql://`), not a request for SQLite: running on a local file instead would
 * lose every write to a database nobody looks at.
 */
export function databaseBackend(url: string | undefined): DialectName {
  if (url === undefined || url.trim() === '') return 'sqlite';
  if (/^postgres(ql)?:\/\//i.test(url.trim())) return 'postgres';
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1];
  throw new Error(
    `DATABASE_URL must be a postgres:// or postgresql:// URL, got ${scheme ? `a "${scheme}:" URL` : 'something that is not a URL'}; leave it unset to use the embedded SQLite database`,
  );
}

/**
 * Opens (and migrates) the database.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
 * ```
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const database =
    databaseBackend(options.databaseUrl) === 'postgres'
      ? await openPostgres(options.databaseUrl!.trim(), options)
      : await openSqlite(options);
  try {
    await database.exclusive(() => migrate(database));
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  return database;
}

async function migrate(database: Database): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; name ours so
  // another schema in the same database (another app, a parallel test) cannot be mistaken for it.
  let migrationTableSchema: string | undefined;
  if (database.dialect === 'postgres') {
    const result = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(
      database.db,
    );
    migrationTableSchema = result.rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: database.db,
    provider: parleyMigrations(database.dialect),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error });
}

async function openSqlite(options: DatabaseOptions): Promise<Database> {
  const dataDir = resolve(options.dataDir ?? '.parley-data');
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'parley.sqlite');
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // With WAL, NORMAL syncs at checkpoints instead of on every commit: the database stays
  // consistent after a crash (a power cut may lose the last commits). better-sqlite3 writes on
  // the event loop the relay runs on, so a commit must not wait for the disk: here 0.18 → 0.014 ms
  // a commit (p50), far more on slow disks.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: sqlite }),
    plugins: [new ReplaceNulCharactersPlugin()],
  });
  return {
    db,
    dialect: 'sqlite',
    description: `sqlite:${file}`,
    // One process owns the file (the embedded default is single-instance).
    exclusive: (task) => task(),
    ping: () => Promise.resolve(sqlite.open),
    close: () => db.destroy(),
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  // Each backend's driver loads only when used: a SQLite install never pays for pg, and back.
  const { default: pg } = await import('pg');
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  }
  const parsed = new URL(url);
  const where = `${parsed.host}${parsed.pathname}`;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const connection = {
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    // A database that accepts connections but never answers: the client gives up a little after
    // the server-side statement timeout would have fired, so no request waits forever.
    query_timeout: statementTimeoutMs + 5_000,
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: statementTimeoutMs * 4,
    keepAlive: true,
    application_name: options.applicationName ?? 'parley',
  };
  /** Start-up failures as one line that says where and why, without the password. */
  const unreachable = (error: unknown): unknown =>
    isDatabaseUnavailable(error)
      ? new DatabaseUnavailableError(
          `PostgreSQL at ${where} did not answer: ${error instanceof Error ? error.message : String(error)} (connect timeout ${connectTimeoutMs / 1000} s)`,
          { cause: error },
        )
      : error;

  const lockKey = `parley.startup.${schema ?? 'public'}`;
  /** A session-level advisory lock on its own connection: released when it ends, even by a crash. */
  const exclusive = async <T>(task: () => Promise<T>): Promise<T> => {
    // No statement timeout here: waiting for another instance's start-up is expected.
    const client = new pg.Client({ ...connection, statement_timeout: 0, query_timeout: 120_000 });
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      return await task();
    } catch (error) {
      throw unreachable(error);
    } finally {
      // Ending the connection releases the lock.
      await client.end().catch(() => undefined);
    }
  };

  const pool: Pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
        bigNumberTypes.has(oid)
          ? (value: string) => Number(value)
          : (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(
              oid,
              format,
            )) as typeof pg.types.getTypeParser,
    },
  });
  // An idle pooled connection that drops (restart, failover, pg_terminate_backend) is reported
  // here; without a listener Node would end the process. The pool replaces it on next use.
  pool.on('error', (error) => options.onConnectionError?.(error));
  // A connection that drops while checked out (mid-transaction) emits 'error' on its client,
  // where the pool listens only while it is idle: listen for the client's whole life. The
  // statement in flight fails (the relay retries its writes) and the pool discards the client.
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
  const db = new Kysely<Tables>({
    dialect: new CurrentSchemaPostgresDialect({ pool }),
    plugins: [new ReplaceNulCharactersPlugin()],
  });
  return {
    db,
    dialect: 'postgres',
    description: `postgres://${where}${schema ? ` (schema ${schema})` : ''}`,
    exclusive,
    ping: async () => {
      try {
        await sql`SELECT 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    async openConnection() {
      const client = new pg.Client({
        ...connection,
        statement_timeout: 0,
        ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
      });
      // Until the caller listens: an 'error' without a listener would end the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw unreachable(error);
      }
      return client;
    },
    close: () => db.destroy(),
  };
}

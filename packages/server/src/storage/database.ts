/**
 * Opens the Parley database: the embedded SQLite default in a data directory (no setup), or
 * PostgreSQL when a `postgres://` URL is given, and brings its schema up to date.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { parleyMigrations } from './migrations.js';
import type { DialectName } from './migrations.js';
import type { Tables } from './tables.js';

/** An open database with its dialect. */
export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: DialectName;
  /** Where the data lives, for logs (`sqlite:<file>` or the PostgreSQL host and database). */
  readonly description: string;
  close(): Promise<void>;
}

/** Where to store data. */
export interface DatabaseOptions {
  /** `postgres://…` selects PostgreSQL; otherwise the embedded SQLite default is used. */
  databaseUrl?: string | undefined;
  /** Directory of the SQLite file (created when missing). Default `./.parley-data`. */
  dataDir?: string | undefined;
  /** PostgreSQL schema to use (created when missing); tests use one per file. */
  schema?: string | undefined;
  /** Maximum PostgreSQL pool size. Default 10. */
  poolSize?: number | undefined;
}

const bigNumberTypes = new Set([20, 1700]); // int8 and numeric: COUNT() and SUM() results

/**
 * Opens (and migrates) the database.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL });
 * ```
 */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  const url = options.databaseUrl;
  let database: Database;
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    // Each backend's driver loads only when used: a SQLite install never pays for pg, and back.
    const { default: pg } = await import('pg');
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new Error(`invalid PostgreSQL schema name: ${schema}`);
    }
    if (schema !== undefined) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await client.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: url,
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
    const parsed = new URL(url);
    database = {
      db: new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      description: `postgres://${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`,
      close: async () => {
        await database.db.destroy();
      },
    };
  } else {
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
    database = {
      db: new Kysely<Tables>({ dialect: new SqliteDialect({ database: sqlite }) }),
      dialect: 'sqlite',
      description: `sqlite:${file}`,
      close: async () => {
        await database.db.destroy();
      },
    };
  }
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
  if (error) {
    await database.close();
    throw error instanceof Error ? error : new Error('migration failed', { cause: error });
  }
  return database;
}

/**
 * The backends every storage test runs on: SQLite in a temporary directory always, and
 * PostgreSQL when `DATABASE_URL` is set (each test file gets a fresh schema, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../storage/database.js';
import type { Database } from '../storage/database.js';
import { parleyMigrations } from '../storage/migrations.js';

/** A way to open a fresh, isolated database, and to throw it away. */
export interface TestBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<Database>;
  /** Opens the same database as the last `open()` again (a restart). */
  reopen(): Promise<Database>;
  /** Deletes everything this backend created. */
  cleanup(): Promise<void>;
}

const postgresUrl = process.env.DATABASE_URL;
let warned = false;

function sqliteBackend(): TestBackend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
      dirs.push(dir);
      return openDatabase({ dataDir: dir });
    },
    reopen() {
      return openDatabase({ dataDir: dirs.at(-1) });
    },
    cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function postgresBackend(url: string): TestBackend {
  const schemas: string[] = [];
  return {
    name: 'postgres',
    open() {
      const schema = `parley_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return openDatabase({ databaseUrl: url, schema, poolSize: 4 });
    },
    reopen() {
      return openDatabase({ databaseUrl: url, schema: schemas.at(-1), poolSize: 4 });
    },
    async cleanup() {
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas.splice(0)) {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** SQLite, plus PostgreSQL when `DATABASE_URL` is set (says loudly when it is not). */
export function testBackends(): TestBackend[] {
  if (postgresUrl) return [sqliteBackend(), postgresBackend(postgresUrl)];
  if (!warned) {
    warned = true;
    console.warn(
      '\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
        '!!  DATABASE_URL is not set: PostgreSQL storage tests were SKIPPED (SQLite only).    !!\n' +
        '!!  Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.            !!\n' +
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
    );
  }
  return [sqliteBackend()];
}

/**
 * A migrator of an open database's schema (in its own PostgreSQL schema), to take it back to an
 * earlier migration and up again: how a test or benchmark loads data "from before" a migration.
 */
export async function migratorOf(database: Database): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (database.dialect === 'postgres')
    migrationTableSchema = (
      await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)
    ).rows[0]?.schema;
  return new Migrator({
    db: database.db,
    provider: parleyMigrations(database.dialect),
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
}

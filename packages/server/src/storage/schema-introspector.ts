/**
 * The tables of the connection's own schema, for Kysely's migrator.
 *
 * Kysely's PostgreSQL introspector lists the tables of every schema in the database and calls
 * `has_schema_privilege()` on each schema by name. When another client drops a schema during that
 * scan (another app's, or a parallel test's), the call fails with `schema "…" does not exist` and
 * the migration with it: the start-up of a server sharing its database failed on a schema that was
 * not its own. The migrator only asks whether its bookkeeping tables exist in our schema, so this
 * introspector reads `pg_catalog` for the current schema alone, by oid, with no lookup by name.
 */
import { PostgresDialect, sql } from 'kysely';
import type {
  DatabaseIntrospector,
  DatabaseMetadata,
  DatabaseMetadataOptions,
  Kysely,
  SchemaMetadata,
  TableMetadata,
} from 'kysely';

export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  // The introspector's Kysely is untyped (Kysely's own signature: it serves any schema).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const result = await sql<{ name: string | null }>`SELECT current_schema() AS name`.execute(
      this.db,
    );
    const name = result.rows[0]?.name;
    return name ? [{ name }] : [];
  }

  async getTables(options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const result = await sql<{ schema: string; name: string; kind: string }>`
      SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'p')
      ORDER BY c.relname`.execute(this.db);
    return result.rows
      .filter(
        (row) =>
          options?.withInternalKyselyTables === true ||
          (row.name !== 'kysely_migration' && row.name !== 'kysely_migration_lock'),
      )
      .map((row) => ({
        name: row.name,
        schema: row.schema,
        isView: row.kind === 'v',
        columns: [],
      }));
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** Kysely's PostgreSQL dialect with {@link CurrentSchemaIntrospector}. */
export class CurrentSchemaPostgresDialect extends PostgresDialect {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

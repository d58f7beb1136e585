import type pg from 'pg';
import { normalizeDefault, type SchemaModel } from './schema-model';

const ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

/** Reads the live catalog of one schema into a SchemaModel (Prisma's migration table excluded). */
export async function introspectSchema(client: pg.ClientBase, schema = 'public'): Promise<SchemaModel> {
  const model: SchemaModel = { enums: {}, tables: {} };
  const enums = await client.query<{ name: string; label: string }>(
    `SELECT t.typname AS name, e.enumlabel AS label FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
     JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`,
    [schema],
  );
  for (const r of enums.rows) (model.enums[r.name] ??= []).push(r.label);

  const cols = await client.query<{ table: string; column: string; type: string; notnull: boolean; def: string | null }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS def
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const r of cols.rows) {
    const t = (model.tables[r.table] ??= { columns: {}, indexes: {}, foreignKeys: {} });
    t.columns[r.column] = { type: r.type, nullable: !r.notnull, default: normalizeDefault(r.def) };
  }

  const idx = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; columns: string[] }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND t.relkind = 'r' AND t.relname <> '_prisma_migrations'`,
    [schema],
  );
  for (const r of idx.rows) {
    const t = model.tables[r.table];
    if (t) t.indexes[r.name] = { columns: r.columns, unique: r.unique, primary: r.primary };
  }

  const fks = await client.query<{ table: string; name: string; columns: string[]; ref_table: string; ref_columns: string[]; del: string; upd: string }>(
    `SELECT t.relname AS table, con.conname AS name,
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
            rt.relname AS ref_table,
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns,
            con.confdeltype AS del, con.confupdtype AS upd
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class rt ON rt.oid = con.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = $1 AND con.contype = 'f'`,
    [schema],
  );
  for (const r of fks.rows) {
    const t = model.tables[r.table];
    if (t)
      t.foreignKeys[r.name] = {
        columns: r.columns,
        refTable: r.ref_table,
        refColumns: r.ref_columns,
        onDelete: ACTIONS[r.del] ?? r.del,
        onUpdate: ACTIONS[r.upd] ?? r.upd,
      };
  }
  return model;
}

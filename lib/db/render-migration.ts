import type { ColumnModel, SchemaModel, TableModel } from './schema-model';

/**
 * Renders the SQL that takes a database from `from` to `to` (both SchemaModels). Used by
 * `npm run migration:new` to write a new migration file, which a person then reads and commits.
 * It covers what this project's schema uses; anything it cannot express is left as a comment
 * so the author must deal with it.
 */
export function renderMigration(from: SchemaModel, to: SchemaModel): string {
  const out: string[] = [];
  const q = (s: string) => `"${s}"`;

  for (const [name, values] of Object.entries(to.enums)) {
    const had = from.enums[name];
    if (!had) out.push(`-- CreateEnum\nCREATE TYPE ${q(name)} AS ENUM (${values.map((v) => `'${v}'`).join(', ')});`);
    else for (const v of values) if (!had.includes(v)) out.push(`-- AlterEnum\nALTER TYPE ${q(name)} ADD VALUE '${v}';`);
  }

  const colSql = (name: string, c: ColumnModel) => {
    let type = c.type;
    let def = c.default;
    if (def === 'nextval()') {
      type = type === 'bigint' ? 'BIGSERIAL' : 'SERIAL';
      def = null;
    }
    if (def === 'ARRAY[]') def = `ARRAY[]::${c.type}`;
    return `${q(name)} ${type}${c.nullable ? '' : ' NOT NULL'}${def ? ` DEFAULT ${def}` : ''}`;
  };

  for (const [tname, t] of Object.entries(to.tables)) {
    const old = from.tables[tname];
    if (!old) {
      const pk = Object.entries(t.indexes).find(([, i]) => i.primary);
      const lines = Object.entries(t.columns).map(([c, col]) => `    ${colSql(c, col)}`);
      if (pk) lines.push(`    CONSTRAINT ${q(pk[0])} PRIMARY KEY (${pk[1].columns.map(q).join(', ')})`);
      out.push(`-- CreateTable\nCREATE TABLE ${q(tname)} (\n${lines.join(',\n')}\n);`);
      continue;
    }
    for (const [c, col] of Object.entries(t.columns)) {
      const had = old.columns[c];
      if (!had) out.push(`-- AlterTable\nALTER TABLE ${q(tname)} ADD COLUMN ${colSql(c, col)};`);
      else {
        if (had.type !== col.type) out.push(`ALTER TABLE ${q(tname)} ALTER COLUMN ${q(c)} TYPE ${col.type} USING ${q(c)}::${col.type};`);
        if (had.nullable !== col.nullable) out.push(`ALTER TABLE ${q(tname)} ALTER COLUMN ${q(c)} ${col.nullable ? 'DROP' : 'SET'} NOT NULL;`);
        if (had.default !== col.default)
          out.push(col.default === null ? `ALTER TABLE ${q(tname)} ALTER COLUMN ${q(c)} DROP DEFAULT;` : `ALTER TABLE ${q(tname)} ALTER COLUMN ${q(c)} SET DEFAULT ${col.default === 'ARRAY[]' ? `ARRAY[]::${col.type}` : col.default};`);
      }
    }
    for (const c of Object.keys(old.columns)) if (!t.columns[c]) out.push(`-- AlterTable\nALTER TABLE ${q(tname)} DROP COLUMN ${q(c)};`);
  }

  for (const [tname, t] of Object.entries(to.tables)) {
    const old: TableModel | undefined = from.tables[tname];
    for (const [iname, i] of Object.entries(t.indexes)) {
      if (i.primary && !old) continue;
      const had = old?.indexes[iname];
      if (had && JSON.stringify(had) === JSON.stringify(i)) continue;
      if (had) out.push(`DROP INDEX ${q(iname)};`);
      out.push(`-- CreateIndex\nCREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${q(iname)} ON ${q(tname)}(${i.columns.map(q).join(', ')});`);
    }
    if (old) for (const iname of Object.keys(old.indexes)) if (!t.indexes[iname]) out.push(`-- DropIndex\nDROP INDEX ${q(iname)};`);
  }

  for (const [tname, t] of Object.entries(to.tables)) {
    const old = from.tables[tname];
    for (const [fname, f] of Object.entries(t.foreignKeys)) {
      const had = old?.foreignKeys[fname];
      if (had && JSON.stringify(had) === JSON.stringify(f)) continue;
      if (had) out.push(`ALTER TABLE ${q(tname)} DROP CONSTRAINT ${q(fname)};`);
      out.push(
        `-- AddForeignKey\nALTER TABLE ${q(tname)} ADD CONSTRAINT ${q(fname)} FOREIGN KEY (${f.columns.map(q).join(', ')}) REFERENCES ${q(f.refTable)}(${f.refColumns.map(q).join(', ')}) ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate};`,
      );
    }
    if (old) for (const fname of Object.keys(old.foreignKeys)) if (!t.foreignKeys[fname]) out.push(`ALTER TABLE ${q(tname)} DROP CONSTRAINT ${q(fname)};`);
  }

  for (const tname of Object.keys(from.tables)) if (!to.tables[tname]) out.push(`-- DropTable\nDROP TABLE ${q(tname)};`);
  for (const name of Object.keys(from.enums)) if (!to.enums[name]) out.push(`-- DropEnum\nDROP TYPE ${q(name)};`);
  for (const [name, values] of Object.entries(from.enums)) {
    const now = to.enums[name];
    if (now) for (const v of values) if (!now.includes(v)) out.push(`-- Removing enum value ${name}.${v} needs a hand-written migration (Postgres cannot drop enum values).`);
  }
  return out.join('\n\n') + (out.length ? '\n' : '');
}

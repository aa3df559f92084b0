// Describes a database schema and a Prisma schema in one normalised form, so
// a test can prove the committed migration SQL builds exactly the tables,
// columns, keys, indexes and enums that schema.prisma declares.
import { createRequire } from "node:module";
import Database from "better-sqlite3";
import pg from "pg";

const require = createRequire(import.meta.url);
const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };

export interface SchemaShape {
  columns: string[]; // "Table.col type null|notnull default|nodefault"
  keys: string[]; // "pk Table(a,b)", "unique Table(a)", "index Table(a,b)", "fk Table(a)->Other(id) CASCADE"
  enums: string[]; // "Name: A,B,C" (postgres only)
}

interface DmmfField {
  name: string;
  kind: "scalar" | "enum" | "object";
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  type: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  fields: DmmfField[];
  primaryKey: { fields: string[] } | null;
  uniqueFields: string[][];
}
interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: Array<{ name: string }>;
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: Array<{ name: string; values: Array<{ name: string }> }>; indexes: DmmfIndex[] };
}

const SQLITE_TYPES: Record<string, string> = { String: "TEXT", Int: "INTEGER", BigInt: "BIGINT", Boolean: "BOOLEAN", DateTime: "DATETIME" };
const PG_TYPES: Record<string, string> = { String: "text", Int: "integer", BigInt: "bigint", Boolean: "boolean", DateTime: "timestamp" };

export function expectedShape(schemaText: string, kind: "sqlite" | "postgres"): SchemaShape {
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", schemaText]] }))) as Dmmf;
  const columns: string[] = [];
  const keys: string[] = [];
  for (const m of dmmf.datamodel.models) {
    for (const f of m.fields) {
      if (f.kind === "object") {
        if (f.relationFromFields?.length) {
          const target = dmmf.datamodel.models.find((x) => x.name === f.type)!;
          keys.push(
            `fk ${m.name}(${f.relationFromFields.join(",")})->${target.name}(${(f.relationToFields ?? []).join(",")}) ${(f.relationOnDelete ?? "Restrict").toUpperCase()}`,
          );
        }
        continue;
      }
      const type = f.kind === "enum" ? (kind === "sqlite" ? "TEXT" : f.type) : (kind === "sqlite" ? SQLITE_TYPES : PG_TYPES)[f.type];
      if (!type) throw new Error(`no mapping for ${m.name}.${f.name}: ${f.type}`);
      // @updatedAt is filled by the client, so the column has no default.
      const hasDefault = f.hasDefaultValue && !f.isUpdatedAt;
      columns.push(`${m.name}.${f.name} ${type} ${f.isRequired || f.isId ? "notnull" : "null"} ${hasDefault ? "default" : "nodefault"}`);
    }
  }
  for (const idx of dmmf.datamodel.indexes) {
    const cols = idx.fields.map((f) => f.name).join(",");
    const kindWord = idx.type === "id" ? "pk" : idx.type === "unique" ? "unique" : "index";
    keys.push(`${kindWord} ${idx.model}(${cols})`);
  }
  const enums = kind === "postgres" ? dmmf.datamodel.enums.map((e) => `${e.name}: ${e.values.map((v) => v.name).join(",")}`) : [];
  return { columns: columns.sort(), keys: keys.sort(), enums: enums.sort() };
}

export function sqliteShape(file: string): SchemaShape {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name != '_prisma_migrations'`).all() as Array<{
        name: string;
      }>
    ).map((r) => r.name);
    const columns: string[] = [];
    const keys: string[] = [];
    for (const t of tables) {
      const cols = db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{
        name: string;
        type: string;
        notnull: number;
        dflt_value: string | null;
        pk: number;
      }>;
      for (const c of cols) {
        // AUTOINCREMENT keys carry their "default" in the rowid mechanism.
        const autoinc = c.pk > 0 && /AUTOINCREMENT/i.test(String((db.prepare(`SELECT sql FROM sqlite_master WHERE name=?`).get(t) as { sql: string }).sql));
        columns.push(
          `${t}.${c.name} ${c.type.toUpperCase()} ${c.notnull || c.pk ? "notnull" : "null"} ${c.dflt_value !== null || autoinc ? "default" : "nodefault"}`,
        );
      }
      const pk = cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      if (pk.length) keys.push(`pk ${t}(${pk.join(",")})`);
      for (const idx of db.prepare(`PRAGMA index_list("${t}")`).all() as Array<{ name: string; unique: number; origin: string }>) {
        if (idx.origin === "pk") continue;
        const icols = (db.prepare(`PRAGMA index_info("${idx.name}")`).all() as Array<{ name: string }>).map((r) => r.name).join(",");
        keys.push(`${idx.unique ? "unique" : "index"} ${t}(${icols})`);
      }
      const fks = db.prepare(`PRAGMA foreign_key_list("${t}")`).all() as Array<{ id: number; table: string; from: string; to: string; on_delete: string }>;
      const grouped = new Map<number, typeof fks>();
      for (const fk of fks) grouped.set(fk.id, [...(grouped.get(fk.id) ?? []), fk]);
      for (const group of grouped.values()) {
        keys.push(
          `fk ${t}(${group.map((g) => g.from).join(",")})->${group[0]!.table}(${group.map((g) => g.to).join(",")}) ${group[0]!.on_delete.replace(" ", "")}`,
        );
      }
    }
    return { columns: columns.sort(), keys: keys.sort(), enums: [] };
  } finally {
    db.close();
  }
}

export async function postgresShape(url: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const cols = await client.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default FROM information_schema.columns WHERE table_schema='public' AND table_name <> '_prisma_migrations'`,
    );
    const columns = cols.rows.map((c) => {
      const type = c.data_type === "USER-DEFINED" ? c.udt_name : c.data_type.startsWith("timestamp") ? "timestamp" : c.data_type;
      return `${c.table_name}.${c.column_name} ${type} ${c.is_nullable === "NO" ? "notnull" : "null"} ${c.column_default !== null ? "default" : "nodefault"}`;
    });
    const idx = await client.query<{ table: string; unique: boolean; primary: boolean; cols: string }>(
      `SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
              string_agg(a.attname, ',' ORDER BY array_position(i.indkey, a.attnum)) AS cols
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
        WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
        GROUP BY t.relname, i.indexrelid, i.indisunique, i.indisprimary`,
    );
    const keys = idx.rows.map((r) => `${r.primary ? "pk" : r.unique ? "unique" : "index"} ${r.table}(${r.cols})`);
    const fks = await client.query<{ table: string; cols: string; ref: string; refcols: string; del: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref,
              (SELECT string_agg(attname, ',' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n) AS cols,
              (SELECT string_agg(attname, ',' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(n, ord) JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n) AS refcols,
              c.confdeltype AS del
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'`,
    );
    const del: Record<string, string> = { a: "NOACTION", r: "RESTRICT", c: "CASCADE", n: "SETNULL", d: "SETDEFAULT" };
    for (const f of fks.rows) keys.push(`fk ${f.table.replace(/"/g, "")}(${f.cols})->${f.ref.replace(/"/g, "")}(${f.refcols}) ${del[f.del]}`);
    const en = await client.query<{ name: string; vals: string }>(
      `SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS vals FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    return { columns: columns.sort(), keys: keys.sort(), enums: en.rows.map((r) => `${r.name}: ${r.vals}`).sort() };
  } finally {
    await client.end();
  }
}

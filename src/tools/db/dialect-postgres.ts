import type { ColumnKind, Db, Dialect, IndexDef, OrderOperand, ViewDefinition } from './db.ts'

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** A PostgreSQL text-array literal of a JSON path (`'{a,0,b}'`); keys must be word characters. */
function jsonPath(path: readonly (string | number)[]): string {
  const segs = path.map((seg) => {
    if (typeof seg === 'number') {
      if (!Number.isSafeInteger(seg) || seg < 0) throw new Error(`Invalid JSON array index ${seg}.`)
      return String(seg)
    }
    if (!/^\w+$/.test(seg)) throw new Error(`Invalid JSON path key "${seg}".`)
    return seg
  })
  return `'{${segs.join(',')}}'`
}

/** `expr` as jsonb: its JSON value when it is valid JSON text, else the text as a JSON string. */
function jsonb(expr: string): string {
  return `satchel_jsonb((${expr})::text)`
}

const JSON_TEXT_CALL = 'satchel_json_text('

/**
 * One side of `order` as jsonb: a `jsonExtract` (recognised by its outer
 * `satchel_json_text(…)` call) as the JSON value itself, a bound number or text as a JSON
 * number or string, any other expression through `to_jsonb`.
 */
function orderJsonb(o: OrderOperand): { json: boolean; sql: string } {
  const s = o.sql
  if (s.startsWith(JSON_TEXT_CALL) && closingParen(s, JSON_TEXT_CALL.length - 1) === s.length - 1) {
    return { json: true, sql: s.slice(JSON_TEXT_CALL.length, -1) }
  }
  if (o.kind === 'number') return { json: false, sql: `to_jsonb((${s})::numeric)` }
  if (o.kind === 'text' || /^:\w+$/.test(s)) return { json: false, sql: `to_jsonb((${s})::text)` }
  return { json: false, sql: `to_jsonb(${s})` }
}

/** The index of the `)` closing the `(` at `open` (quotes skipped), or -1. */
function closingParen(s: string, open: number): number {
  let depth = 0
  let quote = ''
  for (let i = open; i < s.length; i++) {
    const c = s[i]!
    if (quote !== '') {
      if (c === quote) quote = ''
    } else if (c === "'" || c === '"') quote = c
    else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

/** `expr` as a jsonb array: the value when it is an array, else wrapped in a one-item array. */
function jsonbArray(expr: string): string {
  const j = jsonb(expr)
  return `(CASE WHEN jsonb_typeof(${j}) = 'array' THEN ${j} ELSE jsonb_build_array(${j}) END)`
}

/** The current time in PocketBase's date format (`2024-01-02 03:04:05.678Z`). */
const NOW = `to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS"Z"')`

/** A random PocketBase-style id: `r` + 14 lowercase hex characters. */
const RANDOM_ID = `('r' || substr(md5(gen_random_uuid()::text), 1, 14))`

/**
 * Column definitions (PocketBase §7.2 in PostgreSQL types): JSON is kept as `TEXT` so values
 * come back byte for byte as written (jsonb would reorder keys) and compare like SQLite's;
 * numbers are `DOUBLE PRECISION`, which node-postgres returns as JS numbers.
 */
const COLUMN_TYPES: Readonly<Record<ColumnKind, string>> = {
  text: "TEXT DEFAULT '' NOT NULL",
  primaryKey: `TEXT PRIMARY KEY DEFAULT ${RANDOM_ID} NOT NULL`,
  bool: 'BOOLEAN DEFAULT FALSE NOT NULL',
  number: 'DOUBLE PRECISION DEFAULT 0 NOT NULL',
  json: 'TEXT DEFAULT NULL',
  jsonArray: "TEXT DEFAULT '[]' NOT NULL",
  geoPoint: `TEXT DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
}

/** The hidden insertion-order column of every table that is not `keyed` (see `rowid`). */
const ROWID = '_rowid_'

/**
 * SQL written in SQLite syntax (a collection index's expressions and WHERE) with backtick- and
 * bracket-quoted identifiers turned into double-quoted ones; string literals are left alone.
 */
function requoteSqlite(sql: string): string {
  let out = ''
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1)
      const stop = end === -1 ? sql.length : end + 1
      out += sql.slice(i, stop)
      i = stop - 1
    } else if (ch === '`' || ch === '[') {
      const close = ch === '`' ? '`' : ']'
      const end = sql.indexOf(close, i + 1)
      const stop = end === -1 ? sql.length : end
      out += quoteIdent(sql.slice(i + 1, stop))
      i = stop
    } else out += ch
  }
  return out
}

/** A collection index in PostgreSQL syntax; `COLLATE NOCASE` becomes an index on `lower(col)`. */
function createIndex(idx: IndexDef): string {
  let s = `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX ${idx.optional ? 'IF NOT EXISTS ' : ''}`
  if (idx.schemaName !== '') s += `${quoteIdent(idx.schemaName)}.`
  s += `${quoteIdent(idx.indexName)} ON ${quoteIdent(idx.tableName)} (`
  s += idx.columns
    .map((c) => {
      const name = c.name.trim()
      const isExpr = name.includes('(') || name.includes(' ')
      let col = isExpr ? `(${requoteSqlite(name)})` : quoteIdent(name)
      const collate = c.collate.toUpperCase()
      if (collate === 'NOCASE') col = `lower(${col})`
      else if (collate !== '' && collate !== 'BINARY') col += ` COLLATE ${quoteIdent(c.collate)}`
      if (c.sort !== '') col += ` ${c.sort}`
      return col
    })
    .join(', ')
  s += ')'
  if (idx.where !== '') s += ` WHERE ${requoteSqlite(idx.where)}`
  return s
}

/**
 * Helper functions the other members' SQL calls, created with the system tables:
 * - `satchel_text(value)`: a value as SQLite would compare it as text (booleans `1`/`0`);
 * - operators `=`/`<>` between booleans and integers, because SQLite callers (the filter
 *   compiler's `true` is `1`) compare boolean columns with 1/0, and between text and numbers
 *   (compared as text, as SQLite does for a TEXT column, e.g. a JSON value with `= 1`);
 * - `satchel_json_text(jsonb)`: a JSON value as SQLite's `json_extract` gives it (strings
 *   unquoted, true/false as 1/0, objects and arrays as JSON text, null as NULL);
 * - `satchel_jsonb(text)`: the jsonb of a JSON text, or the text as a JSON string when it is not
 *   valid JSON (NULL stays NULL) — SQLite's `json_valid` guards in one call;
 * - `satchel_strftime(format, time, VARIADIC modifiers)`: SQLite's `strftime` for the `%`
 *   specifiers `Y m d H M S f j w s %` and the modifiers `±N unit` and `start of day|month|year`;
 *   NULL for a time, modifier or specifier it cannot read, like SQLite.
 */
/** Advisory lock key of the tables created on first use (not the install lock's key). */
const LAZY_TABLE_LOCK = 727243501

const FUNCTIONS = `
CREATE OR REPLACE FUNCTION satchel_text(v text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT v';
CREATE OR REPLACE FUNCTION satchel_text(v boolean) RETURNS text LANGUAGE sql IMMUTABLE
  AS $fn$SELECT CASE WHEN v THEN '1' WHEN NOT v THEN '0' END$fn$;
CREATE OR REPLACE FUNCTION satchel_text(v anyelement) RETURNS text LANGUAGE sql IMMUTABLE
  AS 'SELECT v::text';
CREATE OR REPLACE FUNCTION satchel_bool_eq_int(a boolean, b integer) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a = (b <> 0)';
CREATE OR REPLACE FUNCTION satchel_bool_ne_int(a boolean, b integer) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a <> (b <> 0)';
CREATE OR REPLACE FUNCTION satchel_int_eq_bool(a integer, b boolean) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT (a <> 0) = b';
CREATE OR REPLACE FUNCTION satchel_int_ne_bool(a integer, b boolean) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT (a <> 0) <> b';
CREATE OR REPLACE FUNCTION satchel_json_text(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS
  $fn$SELECT CASE WHEN jsonb_typeof(j) = 'boolean' THEN (CASE WHEN j = 'true'::jsonb THEN '1' ELSE '0' END)
    ELSE j #>> '{}' END$fn$;
CREATE OR REPLACE FUNCTION satchel_order_cmp(a jsonb, b jsonb) RETURNS int LANGUAGE sql IMMUTABLE AS
  $fn$SELECT CASE
    WHEN jsonb_typeof(a) IS NULL OR jsonb_typeof(b) IS NULL OR jsonb_typeof(a) = 'null'
      OR jsonb_typeof(b) = 'null' THEN NULL
    WHEN (jsonb_typeof(a) IN ('number', 'boolean')) <> (jsonb_typeof(b) IN ('number', 'boolean'))
      THEN (CASE WHEN jsonb_typeof(a) IN ('number', 'boolean') THEN -1 ELSE 1 END)
    WHEN jsonb_typeof(a) IN ('number', 'boolean')
      THEN sign(satchel_json_text(a)::numeric - satchel_json_text(b)::numeric)::int
    WHEN satchel_json_text(a) COLLATE "C" < satchel_json_text(b) COLLATE "C" THEN -1
    WHEN satchel_json_text(a) COLLATE "C" > satchel_json_text(b) COLLATE "C" THEN 1
    ELSE 0 END$fn$;
CREATE OR REPLACE FUNCTION satchel_text_eq_num(a text, b numeric) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a = b::text';
CREATE OR REPLACE FUNCTION satchel_text_ne_num(a text, b numeric) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a <> b::text';
CREATE OR REPLACE FUNCTION satchel_num_eq_text(a numeric, b text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a::text = b';
CREATE OR REPLACE FUNCTION satchel_num_ne_text(a numeric, b text) RETURNS boolean
  LANGUAGE sql IMMUTABLE AS 'SELECT a::text <> b';
DO $do$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '=' AND oprleft = 'text'::regtype
      AND oprright = 'numeric'::regtype) THEN
    CREATE OPERATOR = (LEFTARG = text, RIGHTARG = numeric, FUNCTION = satchel_text_eq_num);
    CREATE OPERATOR <> (LEFTARG = text, RIGHTARG = numeric, FUNCTION = satchel_text_ne_num);
    CREATE OPERATOR = (LEFTARG = numeric, RIGHTARG = text, FUNCTION = satchel_num_eq_text);
    CREATE OPERATOR <> (LEFTARG = numeric, RIGHTARG = text, FUNCTION = satchel_num_ne_text);
  END IF;
END $do$;
DO $do$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_operator WHERE oprname = '=' AND oprleft = 'boolean'::regtype
      AND oprright = 'integer'::regtype) THEN
    CREATE OPERATOR = (LEFTARG = boolean, RIGHTARG = integer, FUNCTION = satchel_bool_eq_int);
    CREATE OPERATOR <> (LEFTARG = boolean, RIGHTARG = integer, FUNCTION = satchel_bool_ne_int);
    CREATE OPERATOR = (LEFTARG = integer, RIGHTARG = boolean, FUNCTION = satchel_int_eq_bool);
    CREATE OPERATOR <> (LEFTARG = integer, RIGHTARG = boolean, FUNCTION = satchel_int_ne_bool);
  END IF;
END $do$;
CREATE OR REPLACE FUNCTION satchel_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN others THEN
  RETURN to_jsonb(t);
END
$fn$;
CREATE OR REPLACE FUNCTION satchel_strftime(fmt text, t text, VARIADIC mods text[] DEFAULT '{}')
RETURNS text LANGUAGE plpgsql STABLE AS $fn$
DECLARE
  ts timestamp;
  m text;
  res text := '';
  i int := 1;
  c text;
BEGIN
  IF fmt IS NULL OR t IS NULL THEN RETURN NULL; END IF;
  BEGIN
    ts := t::timestamptz AT TIME ZONE 'UTC';
  EXCEPTION WHEN others THEN
    RETURN NULL;
  END;
  FOREACH m IN ARRAY mods LOOP
    m := lower(trim(m));
    IF m IN ('start of day', 'start of month', 'start of year') THEN
      ts := date_trunc(substr(m, 10), ts);
    ELSE
      BEGIN
        ts := ts + m::interval;
      EXCEPTION WHEN others THEN
        RETURN NULL;
      END;
    END IF;
  END LOOP;
  WHILE i <= length(fmt) LOOP
    c := substr(fmt, i, 1);
    IF c = '%' THEN
      i := i + 1;
      c := substr(fmt, i, 1);
      res := res || CASE c
        WHEN 'Y' THEN to_char(ts, 'YYYY')
        WHEN 'm' THEN to_char(ts, 'MM')
        WHEN 'd' THEN to_char(ts, 'DD')
        WHEN 'H' THEN to_char(ts, 'HH24')
        WHEN 'M' THEN to_char(ts, 'MI')
        WHEN 'S' THEN to_char(ts, 'SS')
        WHEN 'f' THEN to_char(ts, 'SS.MS')
        WHEN 'j' THEN to_char(ts, 'DDD')
        WHEN 'w' THEN (extract(dow FROM ts))::int::text
        WHEN 's' THEN (floor(extract(epoch FROM ts)))::bigint::text
        WHEN '%' THEN '%'
        ELSE NULL END;
      IF res IS NULL THEN RETURN NULL; END IF;
    ELSE
      res := res || c;
    END IF;
    i := i + 1;
  END LOOP;
  RETURN res;
END
$fn$;
`

/** `data`'s non-collection tables in PostgreSQL types (PocketBase's columns and defaults). */
const SYSTEM_TABLES_DATA = `${FUNCTIONS}
CREATE TABLE "_params" (
  "id"      TEXT PRIMARY KEY DEFAULT ${RANDOM_ID} NOT NULL,
  "value"   TEXT DEFAULT NULL,
  "created" TEXT DEFAULT (${NOW}) NOT NULL,
  "updated" TEXT DEFAULT (${NOW}) NOT NULL,
  "${ROWID}" BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE TABLE "_collections" (
  "id"         TEXT PRIMARY KEY DEFAULT ${RANDOM_ID} NOT NULL,
  "system"     BOOLEAN DEFAULT FALSE NOT NULL,
  "type"       TEXT DEFAULT 'base' NOT NULL,
  "name"       TEXT UNIQUE NOT NULL,
  "fields"     TEXT DEFAULT '[]' NOT NULL,
  "indexes"    TEXT DEFAULT '[]' NOT NULL,
  "listRule"   TEXT DEFAULT NULL,
  "viewRule"   TEXT DEFAULT NULL,
  "createRule" TEXT DEFAULT NULL,
  "updateRule" TEXT DEFAULT NULL,
  "deleteRule" TEXT DEFAULT NULL,
  "options"    TEXT DEFAULT '{}' NOT NULL,
  "created"    TEXT DEFAULT (${NOW}) NOT NULL,
  "updated"    TEXT DEFAULT (${NOW}) NOT NULL,
  "${ROWID}" BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX idx__collections_type ON "_collections" ("type");
`

/**
 * `_logs` in PostgreSQL types (the helper functions come with the data tables: this script may run
 * on another connection while the data install, which holds them, is still open). NOTE: no index on `message` (a btree entry is limited to about
 * 2.7 kB and a long message would fail the whole log batch) and the hourly index is on the
 * plain `created` text, whose prefix orders the same way.
 */
const SYSTEM_TABLES_AUX = `
CREATE TABLE IF NOT EXISTS "_logs" (
  "id"      TEXT PRIMARY KEY DEFAULT ${RANDOM_ID} NOT NULL,
  "level"   INTEGER DEFAULT 0 NOT NULL,
  "message" TEXT DEFAULT '' NOT NULL,
  "data"    TEXT DEFAULT '{}' NOT NULL,
  "created" TEXT DEFAULT (${NOW}) NOT NULL,
  "${ROWID}" BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX IF NOT EXISTS idx_logs_level ON "_logs" ("level");
CREATE INDEX IF NOT EXISTS idx_logs_created ON "_logs" ("created");
`

/**
 * PostgreSQL's SQL flavour (see `Dialect` for each member's contract). Text comparisons are
 * made on `::text` where SQLite would compare values of any type, JSON is read through
 * `satchel_jsonb` and SQLite's `strftime` through `satchel_strftime` (both created by
 * `systemTablesSql`), and every table that is not `keyed` gets a hidden `_rowid_` identity
 * column (last, so `SELECT *` readers that pick known columns never see it in order).
 */
export const postgresDialect: Dialect = Object.freeze({
  name: 'postgres' as const,
  quoteIdent,
  columnType(kind: ColumnKind): string {
    return COLUMN_TYPES[kind]
  },
  createTable(
    table: string,
    columns: readonly string[],
    options: { readonly ifNotExists?: boolean; readonly keyed?: boolean } = {},
  ): string {
    // SQLite's INTEGER is 64-bit (`_migrations.applied` holds microseconds): BIGINT here.
    const defs = columns.map((c) => c.replace(/\bINTEGER\b/gi, 'BIGINT'))
    const cols = options.keyed
      ? defs
      : [...defs, `${quoteIdent(ROWID)} BIGINT GENERATED ALWAYS AS IDENTITY`]
    const create = `${quoteIdent(table)} (${cols.join(', ')})`
    // NOTE: two nodes running CREATE TABLE IF NOT EXISTS at once can both miss the table and one
    // fails on pg_type's unique index; the advisory lock (held to the end of the script's
    // implicit transaction) makes the second wait and then find the table.
    return options.ifNotExists
      ? `SELECT pg_advisory_xact_lock(${LAZY_TABLE_LOCK}); CREATE TABLE IF NOT EXISTS ${create}`
      : `CREATE TABLE ${create}`
  },
  createIndex,
  async hasTable(db: Db, name: string): Promise<boolean> {
    const row = await db.get(
      'SELECT 1 AS x FROM information_schema.tables WHERE table_schema = current_schema() AND lower(table_name) = lower(?) LIMIT 1',
      [name],
    )
    return row !== undefined
  },
  async tableColumns(db: Db, table: string): Promise<string[]> {
    const rows = await db.all<{ name: string }>(
      'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name <> ? ORDER BY ordinal_position',
      [table, ROWID],
    )
    return rows.map((r) => r.name)
  },
  async indexTable(db: Db, index: string): Promise<string | undefined> {
    const row = await db.get<{ tablename: string }>(
      'SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() AND lower(indexname) = lower(?) LIMIT 1',
      [index],
    )
    return row?.tablename
  },
  async views(db: Db): Promise<ViewDefinition[]> {
    // NOTE: a view can only use objects that exist when it is created, so oid order (creation
    // order; CREATE OR REPLACE keeps the oid) re-creates them in a working order.
    const rows = await db.all<{ name: string; def: string }>(
      "SELECT c.relname AS name, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND n.nspname = current_schema() ORDER BY c.oid",
    )
    return rows.map((r) => ({ name: r.name, sql: viewStatement(r.name, r.def) }))
  },
  async viewSql(db: Db, name: string): Promise<string | undefined> {
    const row = await db.get<{ def: string }>(
      "SELECT pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND n.nspname = current_schema() AND c.relname = ?",
      [name],
    )
    return row === undefined ? undefined : viewStatement(name, row.def)
  },
  distinctOrdered(columns: string, from: string, orderBy: readonly string[], key: string): string {
    const terms = orderBy.map((t, i) => {
      const m = /^([\s\S]*?)\s+(ASC|DESC)((?:\s+NULLS\s+(?:FIRST|LAST))?)\s*$/i.exec(t)
      return { expr: m?.[1] ?? t, dir: m === null ? '' : ` ${m[2]}${m[3]}`, alias: `__o${i + 1}` }
    })
    const extra = terms.map((t) => `, ${t.expr} AS ${quoteIdent(t.alias)}`).join('')
    return (
      `SELECT * FROM (SELECT DISTINCT ON (${key}) ${columns}${extra}${from} ORDER BY ${key}) AS "_sub" ` +
      `ORDER BY ${terms.map((t) => `${quoteIdent(t.alias)}${t.dir}`).join(', ')}`
    )
  },
  installLock(): string | undefined {
    // NOTE: an arbitrary constant key, the same in every Satchel
    return 'SELECT pg_advisory_xact_lock(727243500) AS locked'
  },
  cursor(name: string, sql: string, batch: number) {
    const c = quoteIdent(name)
    return {
      open: `DECLARE ${c} NO SCROLL CURSOR FOR ${sql}`,
      fetch: `FETCH ${Math.max(1, Math.floor(batch))} FROM ${c}`,
      close: `CLOSE ${c}`,
    }
  },
  limitAll(): string {
    return ' LIMIT ALL'
  },
  subquery(sql: string): string {
    return `(${sql}) AS "_sub"`
  },
  onConflict(keys: readonly string[], set?: string): string {
    const target = `ON CONFLICT (${keys.map(quoteIdent).join(', ')})`
    return set === undefined ? `${target} DO NOTHING` : `${target} DO UPDATE SET ${set}`
  },
  excluded(column: string): string {
    return `excluded.${quoteIdent(column)}`
  },
  now(): string {
    return NOW
  },
  equalsNoCase(a: string, b: string): string {
    return `lower(${a}) = lower(${b})`
  },
  order(op: string, left: OrderOperand, right: OrderOperand): string {
    const l = orderJsonb(left)
    const r = orderJsonb(right)
    if (!l.json && !r.json) return `${left.sql} ${op} ${right.sql}`
    return `satchel_order_cmp(${l.sql}, ${r.sql}) ${op} 0`
  },
  isSame(a: string, b: string, negate: boolean): string {
    return `${a} ${negate ? 'IS DISTINCT FROM' : 'IS NOT DISTINCT FROM'} ${b}`
  },
  orEmpty(expr: string): string {
    return `COALESCE(satchel_text(${expr}), '')`
  },
  isEmpty(expr: string, negate: boolean): string {
    const text = `COALESCE(satchel_text(${expr}), '')`
    return negate ? `(${text} <> '')` : `(${text} = '')`
  },
  like(a: string, pattern: string, negate: boolean): string {
    return `(${a})::text ${negate ? 'NOT ILIKE' : 'ILIKE'} ${pattern} ESCAPE '\\'`
  },
  jsonExtract(expr: string, path: readonly (string | number)[]): string {
    return `satchel_json_text(${jsonb(expr)} #> ${jsonPath(path)})`
  },
  jsonArray(expr: string, emptyAsNone: boolean): string {
    const j = jsonb(expr)
    const wrapped = emptyAsNone
      ? `(CASE WHEN COALESCE((${expr})::text, '') = '' THEN '[]' ELSE jsonb_build_array(${j})::text END)`
      : `jsonb_build_array(${j})::text`
    return `(CASE WHEN jsonb_typeof(${j}) = 'array' THEN (${expr})::text ELSE ${wrapped} END)`
  },
  jsonArrayLast(expr: string): string {
    const j = jsonb(expr)
    return `(CASE WHEN jsonb_typeof(${j}) = 'array' THEN ${j} ->> -1 ELSE (${expr})::text END)`
  },
  jsonEach(arrayExpr: string): string {
    return `jsonb_array_elements_text(${jsonbArray(arrayExpr)})`
  },
  joinWithoutCondition(): string {
    return ' ON TRUE'
  },
  jsonArrayLength(arrayExpr: string): string {
    const j = jsonb(arrayExpr)
    return `(CASE WHEN jsonb_typeof(${j}) = 'array' THEN jsonb_array_length(${j}) ELSE 0 END)`
  },
  random(): string {
    return 'random()'
  },
  rowid(tableAlias: string): string {
    return `${quoteIdent(tableAlias)}.${quoteIdent(ROWID)}`
  },
  strftime(format: string, time: string, modifiers: readonly string[]): string {
    const mods = modifiers.map((m) => `(${m})::text`)
    return `satchel_strftime((${format})::text, (${time})::text${mods.map((m) => `, ${m}`).join('')})`
  },
  geoDistance(lonA: string, latA: string, lonB: string, latB: string): string {
    const f = (x: string) => `radians((${x})::double precision)`
    return (
      `(6371 * acos(least(1, greatest(-1, cos(${f(latA)}) * cos(${f(latB)}) * ` +
      `cos(${f(lonB)} - ${f(lonA)}) + sin(${f(latA)}) * sin(${f(latB)})))))`
    )
  },
  vacuum(): string {
    return 'VACUUM'
  },
  insertOrIgnore(table: string, columns: readonly string[]): string {
    const cols = columns.map(quoteIdent).join(', ')
    return `INSERT INTO ${quoteIdent(table)} (${cols}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`
  },
  optimizeStatements(analyze: boolean): string[] {
    // NOTE: autovacuum keeps PostgreSQL's tables in shape; there is no WAL to checkpoint by hand.
    return analyze ? ['ANALYZE'] : []
  },
  systemTablesSql(database: 'data' | 'auxiliary'): string {
    return database === 'data' ? SYSTEM_TABLES_DATA : SYSTEM_TABLES_AUX
  },
})

/** `CREATE VIEW name AS <definition>` from `pg_get_viewdef`'s text (which ends with `;`). */
function viewStatement(name: string, def: string): string {
  return `CREATE VIEW ${quoteIdent(name)} AS ${def.trim().replace(/;$/, '')}`
}

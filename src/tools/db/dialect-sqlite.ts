import type { ColumnKind, Db, Dialect, IndexDef, OrderOperand, ViewDefinition } from './db.ts'

function quoteIdent(name: string): string {
  // NOTE: called many times per request while SQL is built; names rarely hold a backtick
  return name.includes('`') ? `\`${name.replaceAll('`', '``')}\`` : `\`${name}\``
}

/** Builds a JSON path like `$.a.b[0].c`; keys are restricted to word characters. */
function jsonPath(root: string, path: readonly (string | number)[]): string {
  let out = root
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Number.isSafeInteger(seg) || seg < 0) throw new Error(`Invalid JSON array index ${seg}.`)
      out += `[${seg}]`
    } else {
      if (!/^\w+$/.test(seg)) throw new Error(`Invalid JSON path key "${seg}".`)
      out += `.${seg}`
    }
  }
  return out
}

function isJsonArray(expr: string): string {
  return `iif(json_valid(${expr}), json_type(${expr})='array', FALSE)`
}

/** The current time in PocketBase's date format (`2024-01-02 03:04:05.678Z`). */
const NOW = "strftime('%Y-%m-%d %H:%M:%fZ')"

/** PocketBase's column definitions (§7.2), byte for byte: `sqlite_master` must match its own. */
const COLUMN_TYPES: Readonly<Record<ColumnKind, string>> = {
  text: "TEXT DEFAULT '' NOT NULL",
  primaryKey: "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL",
  bool: 'BOOLEAN DEFAULT FALSE NOT NULL',
  number: 'NUMERIC DEFAULT 0 NOT NULL',
  json: 'JSON DEFAULT NULL',
  jsonArray: "JSON DEFAULT '[]' NOT NULL",
  geoPoint: `JSON DEFAULT '{"lon":0,"lat":0}' NOT NULL`,
}

/** PocketBase's `Index.Build` layout; see `Dialect.createIndex`. */
function createIndex(idx: IndexDef): string {
  let s = `CREATE ${idx.unique ? 'UNIQUE ' : ''}INDEX ${idx.optional ? 'IF NOT EXISTS ' : ''}`
  // NOTE: PocketBase wraps names in backticks as given (no quote doubling).
  if (idx.schemaName !== '') s += `\`${idx.schemaName}\`.`
  s += `\`${idx.indexName}\` ON \`${idx.tableName}\` (`
  const multi = idx.columns.length > 1
  if (multi) s += '\n  '
  s += idx.columns
    .map((c) => {
      const name = c.name.trim()
      // Expressions (a call, or anything with a space) are kept as written.
      let col = name.includes('(') || name.includes(' ') ? name : `\`${name}\``
      if (c.collate !== '') col += ` COLLATE ${c.collate}`
      if (c.sort !== '') col += ` ${c.sort}`
      return col
    })
    .join(',\n  ')
  if (multi) s += '\n'
  s += ')'
  if (idx.where !== '') s += ` WHERE ${idx.where}`
  return s
}

/** PocketBase's fresh-install DDL of `data.db`'s non-collection tables (whitespace included). */
const SYSTEM_TABLES_DATA = `
      CREATE TABLE \`_params\` (
        \`id\`      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
        \`value\`   JSON DEFAULT NULL,
        \`created\` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
        \`updated\` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
      );
      CREATE TABLE \`_collections\` (
        \`id\`         TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
        \`system\`     BOOLEAN DEFAULT FALSE NOT NULL,
        \`type\`       TEXT DEFAULT "base" NOT NULL,
        \`name\`       TEXT UNIQUE NOT NULL,
        \`fields\`     JSON DEFAULT "[]" NOT NULL,
        \`indexes\`    JSON DEFAULT "[]" NOT NULL,
        \`listRule\`   TEXT DEFAULT NULL,
        \`viewRule\`   TEXT DEFAULT NULL,
        \`createRule\` TEXT DEFAULT NULL,
        \`updateRule\` TEXT DEFAULT NULL,
        \`deleteRule\` TEXT DEFAULT NULL,
        \`options\`    JSON DEFAULT "{}" NOT NULL,
        \`created\`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
        \`updated\`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
      );
      CREATE INDEX idx__collections_type on \`_collections\` (\`type\`);
    `

/** PocketBase's fresh-install DDL of `auxiliary.db` (`_logs`), whitespace included. */
const SYSTEM_TABLES_AUX = `
      CREATE TABLE IF NOT EXISTS \`_logs\` (
        \`id\`      TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
        \`level\`   INTEGER DEFAULT 0 NOT NULL,
        \`message\` TEXT DEFAULT "" NOT NULL,
        \`data\`    JSON DEFAULT "{}" NOT NULL,
        \`created\` TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
      );
      CREATE INDEX IF NOT EXISTS idx_logs_level on \`_logs\` (\`level\`);
      CREATE INDEX IF NOT EXISTS idx_logs_message on \`_logs\` (\`message\`);
      CREATE INDEX IF NOT EXISTS idx_logs_created_hour on \`_logs\` (strftime('%Y-%m-%d %H:00:00', \`created\`));
    `

/** SQLite's SQL flavour: backtick-quoted identifiers like PocketBase's generated SQL. */
export const sqliteDialect: Dialect = Object.freeze({
  name: 'sqlite' as const,
  quoteIdent,
  columnType(kind: ColumnKind): string {
    return COLUMN_TYPES[kind]
  },
  createTable(
    table: string,
    columns: readonly string[],
    options: { readonly ifNotExists?: boolean; readonly keyed?: boolean } = {},
  ): string {
    return (
      `CREATE TABLE ${options.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(table)} ` +
      `(${columns.join(', ')})${options.keyed ? ' WITHOUT ROWID' : ''}`
    )
  },
  createIndex,
  async hasTable(db: Db, name: string): Promise<boolean> {
    const row = await db.get(
      "SELECT 1 AS x FROM sqlite_master WHERE type IN ('table', 'view') AND LOWER(name) = LOWER(?) LIMIT 1",
      [name],
    )
    return row !== undefined
  },
  async tableColumns(db: Db, table: string): Promise<string[]> {
    const rows = await db.all<{ name: string }>(`PRAGMA table_info(${quoteIdent(table)})`)
    return rows.map((r) => r.name)
  },
  async indexTable(db: Db, index: string): Promise<string | undefined> {
    const row = await db.get<{ tbl_name: string }>(
      "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND LOWER(name) = LOWER(?) LIMIT 1",
      [index],
    )
    return row?.tbl_name
  },
  views(db: Db): Promise<ViewDefinition[]> {
    return db.all<ViewDefinition>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'view' AND sql IS NOT NULL ORDER BY rowid",
    )
  },
  async viewSql(db: Db, name: string): Promise<string | undefined> {
    const row = await db.get<{ sql: string }>(
      "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?",
      [name],
    )
    return row?.sql
  },
  distinctOrdered(columns: string, from: string, orderBy: readonly string[]): string {
    return `SELECT DISTINCT ${columns}${from} ORDER BY ${orderBy.join(', ')}`
  },
  installLock(): string | undefined {
    return undefined
  },
  cursor(): undefined {
    return undefined
  },
  limitAll(): string {
    return ' LIMIT -1'
  },
  subquery(sql: string): string {
    return `(${sql})`
  },
  onConflict(keys: readonly string[], set?: string): string {
    const target = `ON CONFLICT(${keys.map(quoteIdent).join(', ')})`
    return set === undefined ? `${target} DO NOTHING` : `${target} DO UPDATE SET ${set}`
  },
  excluded(column: string): string {
    return `excluded.${quoteIdent(column)}`
  },
  now(): string {
    return NOW
  },
  equalsNoCase(a: string, b: string): string {
    return `${a} = ${b} COLLATE NOCASE`
  },
  order(op: string, left: OrderOperand, right: OrderOperand): string {
    return `${left.sql} ${op} ${right.sql}`
  },
  isSame(a: string, b: string, negate: boolean): string {
    return `${a} ${negate ? 'IS NOT' : 'IS'} ${b}`
  },
  orEmpty(expr: string): string {
    return `COALESCE(${expr}, '')`
  },
  isEmpty(expr: string, negate: boolean): string {
    return negate
      ? `(${expr} IS NOT '' AND ${expr} IS NOT NULL)`
      : `(${expr} = '' OR ${expr} IS NULL)`
  },
  like(a: string, pattern: string, negate: boolean): string {
    return `${a} ${negate ? 'NOT LIKE' : 'LIKE'} ${pattern} ESCAPE '\\'`
  },
  jsonExtract(expr: string, path: readonly (string | number)[]): string {
    return (
      `(CASE WHEN json_valid(${expr}) THEN JSON_EXTRACT(${expr}, '${jsonPath('$', path)}') ` +
      `ELSE JSON_EXTRACT(json_object('pb', ${expr}), '${jsonPath('$.pb', path)}') END)`
    )
  },
  jsonArray(expr: string, emptyAsNone: boolean): string {
    const wrapped = emptyAsNone
      ? `(CASE WHEN ${expr} = '' OR ${expr} IS NULL THEN json_array() ELSE json_array(${expr}) END)`
      : `json_array(${expr})`
    return `CASE WHEN ${isJsonArray(expr)} THEN ${expr} ELSE ${wrapped} END`
  },
  jsonArrayLast(expr: string): string {
    return `CASE WHEN ${isJsonArray(expr)} THEN json_extract(${expr}, '$[#-1]') ELSE ${expr} END`
  },
  jsonEach(arrayExpr: string): string {
    return `json_each(${arrayExpr})`
  },
  joinWithoutCondition(): string {
    return ''
  },
  jsonArrayLength(arrayExpr: string): string {
    return `json_array_length(${arrayExpr})`
  },
  random(): string {
    return 'RANDOM()'
  },
  rowid(tableAlias: string): string {
    return `${quoteIdent(tableAlias)}.${quoteIdent('_rowid_')}`
  },
  strftime(format: string, time: string, modifiers: readonly string[]): string {
    return `strftime(${[format, time, ...modifiers].join(', ')})`
  },
  geoDistance(lonA: string, latA: string, lonB: string, latB: string): string {
    // NOTE: the clamp keeps acos() defined when rounding pushes the cosine just past ±1.
    return (
      `(6371 * acos(min(1, max(-1, cos(radians(${latA})) * cos(radians(${latB})) * ` +
      `cos(radians(${lonB}) - radians(${lonA})) + sin(radians(${latA})) * sin(radians(${latB}))))))`
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
    const checkpoint = 'PRAGMA wal_checkpoint(TRUNCATE)'
    return analyze ? [checkpoint, 'PRAGMA optimize'] : [checkpoint]
  },
  systemTablesSql(database: 'data' | 'auxiliary'): string {
    return database === 'data' ? SYSTEM_TABLES_DATA : SYSTEM_TABLES_AUX
  },
})

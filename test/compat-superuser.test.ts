// Superuser API scenarios (collections import, auth defaults, view queries, test emails, OAuth2
// provider lists) sent to the real PocketBase and to Satchel, both seeded the same way: status
// and JSON body must be equal. Cases change the schema, so they run on their own pair, in order;
// the destructive import comes last. Test emails go to a real `smtp-server` started here.
import type PocketBase from 'pocketbase'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type CompatCase, type CompatPair, outcome, startCompatPair } from '../src/tests/compat.ts'
import { satchelUsesPostgres } from '../src/tests/postgres.ts'
import { pocketBaseExecutable } from '../src/tests/process.ts'
import { client } from '../src/tests/sdk.ts'
import { type CapturedMail, type SmtpCapture, startSmtpCapture } from '../src/tests/smtp-capture.ts'

let pair: CompatPair
let smtp: SmtpCapture

beforeAll(async () => {
  pocketBaseExecutable()
  smtp = await startSmtpCapture()
  pair = await startCompatPair()
}, 180_000)

afterAll(async () => {
  await pair?.close()
  await smtp?.close()
})

/** True for an inline SVG document string (PocketBase's `logo` form). */
const isInlineSvg = (v: unknown) =>
  typeof v === 'string' &&
  /^<svg\s[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(v) &&
  v.endsWith('</svg>')

const TEST_EMAIL_TEMPLATES = [
  'verification',
  'password-reset',
  'email-change',
  'otp',
  'login-alert',
]

/** Sends every test email template, for `_superusers` (default) and `users`. */
const sendTestEmails = async (pb: PocketBase, to: (template: string, col: string) => string) => {
  const out: { [key: string]: unknown } = {}
  for (const template of TEST_EMAIL_TEMPLATES) {
    for (const collection of [undefined, 'users']) {
      const body = { email: to(template, collection ?? ''), template, collection }
      out[`${template}/${collection ?? ''}`] = await outcome(
        pb.send('/api/settings/test/email', { method: 'POST', body }),
      )
    }
  }
  return out
}

/** What a test email carries besides its wording: addresses, token claims, links, codes. */
const mailShape = (mail: CapturedMail, port: string) => {
  const hide = (v: string) => v.replaceAll(port, '<port>')
  const claims = [...new Set(mail.body.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g) ?? [])].map((t) => {
    const { exp: _e, ...rest } = JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString())
    return JSON.parse(hide(JSON.stringify(rest)))
  })
  const links = [...new Set(mail.body.match(/http:\/\/app\.test[^\s"()<]*/g) ?? [])]
  return {
    from: mail.from,
    to: mail.to.map(hide),
    fromHeader: mail.headers.from,
    hasSubject: (mail.headers.subject ?? '') !== '',
    claims,
    links: links.map((l) => l.replace(/eyJ[\w.-]+/, '<token>')).sort(),
    otp: mail.body.includes('123456'),
    alert: mail.body.includes('TEST_IP TEST_USER_AGENT'),
  }
}

/** `PUT /api/collections/import` with a raw body (the SDK always sends a well-formed one). */
const importRaw = (pb: PocketBase, body: unknown) =>
  outcome(pb.send('/api/collections/import', { method: 'PUT', body }))

/** A collection without its timestamps (they differ between the two servers). */
const shape = async (pb: PocketBase, name: string) => {
  const { created: _c, updated: _u, ...rest } = await pb.collections.getOne(name)
  return rest
}

const cases: CompatCase[] = [
  {
    name: 'import: relations to a collection that comes later, both ways (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'imp_a',
          fields: [{ name: 'b', type: 'relation', collectionId: 'impbbbbbbbbbbbb', maxSelect: 1 }],
        },
        {
          id: 'impbbbbbbbbbbbb',
          name: 'imp_b',
          fields: [
            { name: 't', type: 'text' },
            { name: 'a', type: 'relation', collectionId: 'pbc_57477905' },
          ],
        },
      ])
      return { a: await shape(pb, 'imp_a'), b: await shape(pb, 'imp_b') }
    },
  },
  {
    name: 'import: a relation to a missing collection rolls back (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      res: await outcome(
        pb.collections.import([
          { name: 'imp_c', fields: [{ name: 't', type: 'text' }] },
          { name: 'imp_d', fields: [{ name: 'r', type: 'relation', collectionId: 'nope' }] },
        ]),
      ),
      left: await pb.collections.getFullList({ filter: 'name ~ "imp_"', fields: 'name' }),
    }),
  },
  {
    name: 'import: a view with a failing query (superuser)',
    sqliteOnly: "SQLite's raw error text",
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_v1', type: 'view', viewQuery: 'SELECT nope FROM zzz' },
        { name: 'imp_v2', type: 'view', viewQuery: 'SELECT 1 AS x' },
      ]),
  },
  {
    name: 'import: a view without an id column (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([{ name: 'imp_v2', type: 'view', viewQuery: 'SELECT 1 AS x' }]),
  },
  {
    name: 'import: an index on a missing column (superuser)',
    sqliteOnly: "SQLite's raw error text",
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_e', indexes: ['CREATE INDEX idx_imp_e ON imp_e (nope)'] },
      ]),
  },
  {
    name: 'import: a reserved field name (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_f' },
        { name: 'imp_g', fields: [{ id: 'koih1lqx', name: 'expand', type: 'text' }] },
      ]),
  },
  {
    name: 'import: unknown identity field of an auth collection (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.collections.import([
        { name: 'imp_h', type: 'auth', passwordAuth: { identityFields: ['email', 'nope'] } },
      ]),
  },
  {
    name: 'import: bodies that do not fit the form (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      empty: await importRaw(pb, { collections: [] }),
      missing: await importRaw(pb, {}),
      notList: await importRaw(pb, { collections: 'x' }),
      notObject: await importRaw(pb, { collections: [[]] }),
      nullItem: await importRaw(pb, { collections: [null] }),
      deleteMissing: await importRaw(pb, { collections: [{ name: 'q' }], deleteMissing: 'yes' }),
    }),
  },
  {
    name: 'import: update keeps unlisted fields; same name and type keeps the stored field (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'tags',
          fields: [
            { id: 'other_id', name: 'name', type: 'text', max: 10 },
            { name: 'extra', type: 'bool' },
          ],
        },
      ])
      return shape(pb, 'tags')
    },
  },
  {
    name: 'import: update of an auth collection (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.import([
        {
          name: 'users',
          passwordAuth: { identityFields: ['email'] },
          fields: [{ name: 'nickname', type: 'text' }],
        },
      ])
      return shape(pb, 'users')
    },
  },
  // view queries whose rows lack an id or repeat one (PocketBase checks the first 10 rows)
  ...(
    [
      ['null id after a duplicate', "SELECT value AS id FROM json_each('[1,1,null]')"],
      ['null id first', "SELECT value AS id FROM json_each('[null,1,1]')"],
      ['empty string id', `SELECT value AS id FROM json_each('["", 1]')`],
      ['duplicate within 10 rows', "SELECT value AS id FROM json_each('[1,2,3,4,5,6,7,8,9,1]')"],
      ['null id after 10 rows', "SELECT value AS id FROM json_each('[1,2,3,4,5,6,7,8,9,10,null]')"],
      ['an id column twice', "SELECT value AS id, value AS id FROM json_each('[1,1]')"],
      [
        'an alias that is no field name',
        `SELECT value AS id, 5 AS "bad name" FROM json_each('[1]')`,
      ],
      ['a reserved alias', "SELECT value AS id, 1 AS expand FROM json_each('[1]')"],
      ['a _via_ alias', "SELECT value AS id, 1 AS a_via_b FROM json_each('[1]')"],
      ['no id column', 'SELECT 1 AS x'],
    ] as const
  ).map(
    ([what, query], i): CompatCase => ({
      name: `view query: ${what} (superuser, dry run and create)`,
      // the first six read the rows of SQLite's json_each over an array (or repeat a column)
      ...(i < 6 ? { sqliteOnly: "SQLite's json_each over an array" } : {}),
      as: 'su',
      status: 200,
      call: async (pb) => {
        const dry = await outcome(
          pb.send('/api/collections/meta/dry-run-view', { method: 'POST', body: { query } }),
        )
        const created = await outcome(
          pb.collections.create({ name: `ids_view_${i}`, type: 'view', viewQuery: query }),
        )
        // sample records carry the random name of the temporary view
        return JSON.parse(
          JSON.stringify({ dry, created }).replace(/temp_view_\w+|pbc_\d+|_clone_\w+/g, '<x>'),
        )
      },
    }),
  ),
  {
    name: 'view query: dry run over the length limit (superuser)',
    as: 'su',
    status: 400,
    call: (pb) =>
      pb.send('/api/collections/meta/dry-run-view', {
        method: 'POST',
        body: { query: `SELECT 1 AS id ${' '.repeat(5000)}` },
      }),
  },
  // settings test emails, for each template, with and without `collection`
  {
    name: 'test email without SMTP: sendmail or its error (superuser)',
    as: 'su',
    status: 200,
    call: (pb) => sendTestEmails(pb, () => 'nobody@example.com'),
  },
  {
    name: 'test email: invalid bodies (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const send = (body: object) =>
        outcome(pb.send('/api/settings/test/email', { method: 'POST', body }))
      return {
        empty: await send({}),
        badEmail: await send({ email: 'nope', template: 'otp' }),
        badTemplate: await send({ email: 'a@example.com', template: 'nope' }),
        badCollection: await send({ email: 'a@example.com', template: 'otp', collection: 'tags' }),
        missingCollection: await send({ template: 'nope', collection: 'nope' }),
      }
    },
  },
  {
    name: 'test email through a real SMTP server (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const port = new URL(pb.baseURL).port
      await pb.settings.update({
        meta: { appName: 'Cmp', appURL: 'http://app.test', senderName: 'Sender' },
        smtp: { enabled: true, host: '127.0.0.1', port: smtp.port, tls: false },
      })
      const to = (template: string, col: string) => `${template}.${col || 'su'}.${port}@example.com`
      const results = await sendTestEmails(pb, to)
      const refused = await outcome(
        pb.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port: 1 } }).then(() =>
          pb.send('/api/settings/test/email', {
            method: 'POST',
            body: { email: 'a@example.com', template: 'otp' },
          }),
        ),
      )
      await pb.settings.update({ smtp: { enabled: false } })
      const mails: { [key: string]: unknown } = {}
      for (const template of TEST_EMAIL_TEMPLATES) {
        for (const col of ['', 'users']) {
          const got = smtp.to(to(template, col))
          if (got.length !== 1) throw new Error(`${got.length} mails to ${to(template, col)}`)
          mails[`${template}/${col}`] = mailShape(got[0]!, port)
        }
      }
      // NOTE: the text of a refused connection is the mailer's own (Go's dialer vs Node's)
      return { results, mails, refused: refused.status }
    },
  },
  // OAuth2 provider logos: an inline SVG string where PocketBase puts one (Satchel draws its own)
  {
    name: 'oauth2 providers list: names, display names, inline SVG logos (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const list = (await pb.send('/api/collections/meta/oauth2-providers', {})) as {
        name: string
        logo: string
      }[]
      return list.map((p) => ({ ...p, logo: isInlineSvg(p.logo) }))
    },
  },
  {
    name: 'auth methods: provider logos (guest, after a superuser enables OAuth2)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.create({
        name: 'oauth_members',
        type: 'auth',
        oauth2: {
          enabled: true,
          providers: [
            { name: 'github', clientId: 'id1', clientSecret: 'secret1' },
            {
              name: 'oidc',
              clientId: 'id2',
              clientSecret: 'secret2',
              displayName: 'My IdP',
              authURL: 'https://idp.test/auth',
              tokenURL: 'https://idp.test/token',
              userInfoURL: 'https://idp.test/me',
            },
          ],
        },
      })
      const methods = (await client(pb.baseURL).send(
        '/api/collections/oauth_members/auth-methods',
        {},
      )) as { oauth2: { providers: { [k: string]: unknown }[] } }
      const shape = (p: { [k: string]: unknown }) => ({
        name: p.name,
        displayName: p.displayName,
        logo: p.logo === '' ? '' : isInlineSvg(p.logo),
        keys: Object.keys(p).sort(),
      })
      const raw = methods as unknown as { authProviders: { [k: string]: unknown }[] }
      return {
        providers: methods.oauth2.providers.map(shape),
        legacy: raw.authProviders.map(shape),
      }
    },
  },
  // API rules: the raw resolver/parser texts of invalid rules
  {
    name: 'collection create: invalid rules of every kind (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const rules = [
        'nope = 1',
        '@request.nope = 1',
        '@request.query = 1',
        '@request.body.x:nope = 1',
        '@collection.nope.id = 1',
        '@collection.users.nope = 1',
        'id.nope = 1',
        'nope.id = 1',
        'id:nope = 1',
        'id:lower:upper = 1',
        '@nope = 1',
        'users_via_nope.id = 1',
        'nope_via_owner.id = 1',
        'things_via_title.id = 1',
        'geoDistance(1) = 1',
        '1 = geoDistance(1, 2, 3, "x")',
        'nope() = 1',
        'strftime() = 1',
        'strftime(id) = 1',
        'strftime("%Y", strftime("%Y")) = 1',
        'strftime("%Y", id, id) = 1',
        `strftime("%Y", id${', "a"'.repeat(9)}) = 1`,
        'strftime("%Y") != ""',
      ]
      const out: { [rule: string]: unknown } = {}
      for (const listRule of rules) {
        out[listRule] = await outcome(pb.collections.create({ name: 'rules_probe', listRule }))
        await outcome(pb.collections.delete('rules_probe'))
      }
      return JSON.parse(JSON.stringify(out).replace(/pbc_\d+/g, '<id>'))
    },
  },
  {
    name: 'records filter: strftime with only a format (superuser)',
    as: 'su',
    status: 200,
    call: (pb) =>
      pb
        .collection('tags')
        .getFullList({ filter: 'strftime("%Y") != ""', fields: 'name', sort: 'name' }),
  },
  // collection bodies of the wrong JSON types, system flag and type changes
  {
    name: 'collection create/update: bodies of the wrong JSON types (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const send = (method: string, url: string, body: string) =>
        outcome(pb.send(url, { method, body, headers: { 'content-type': 'application/json' } }))
      const create = (body: string) => send('POST', '/api/collections', body)
      return {
        invalidJson: await create('{"name":'),
        notObject: await create('[1]'),
        typeNumber: await create('{"name":"wrong_t","type":5}'),
        nameNumber: await create('{"name":5}'),
        systemString: await create('{"name":"wrong_s","system":"x"}'),
        viewQueryNumber: await create('{"name":"wrong_v","type":"view","viewQuery":5}'),
        idNumber: await create('{"name":"wrong_i","id":5}'),
        updateInvalidJson: await send('PATCH', '/api/collections/tags', '{"name":'),
        updateNotObject: await send('PATCH', '/api/collections/tags', '[1]'),
        dryRunInvalidJson: await send('POST', '/api/collections/meta/dry-run-view', '{"query":'),
        dryRunQueryNumber: await send('POST', '/api/collections/meta/dry-run-view', '{"query":5}'),
      }
    },
  },
  {
    name: 'collection update: system flag and type changes (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => ({
      systemOn: await outcome(pb.collections.update('tags', { system: true })),
      toAuth: await outcome(pb.collections.update('tags', { type: 'auth' })),
      toBase: await outcome(pb.collections.update('users', { type: 'base' })),
      toView: await outcome(pb.collections.update('tags', { type: 'view' })),
    }),
  },
  {
    name: 'records: missing collection on each route (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const out: { [k: string]: unknown } = {}
      for (const [method, url] of [
        ['GET', '/api/collections/nope/records'],
        ['POST', '/api/collections/nope/records'],
        ['GET', '/api/collections/nope/records/abc'],
        ['PATCH', '/api/collections/nope/records/abc'],
        ['DELETE', '/api/collections/nope/records/abc'],
      ] as const) {
        out[`${method} ${url}`] = await outcome(pb.send(url, { method }))
      }
      return out
    },
  },
  {
    name: 'auth record: passwords over 72 bytes (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const create = (password: string) =>
        outcome(
          pb.collection('users').create(
            {
              email: `long${[...password].length}@example.com`,
              password,
              passwordConfirm: password,
            },
            { fields: 'email' },
          ),
        )
      return {
        chars72: await create('x'.repeat(72)),
        chars73: await create('x'.repeat(73)),
        bytes80: await create('é'.repeat(40)),
      }
    },
  },
  // settings PATCH: null is the zero value (Go's JSON v2), batch body load errors
  {
    name: 'settings: null values (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const patch = (body: object) =>
        outcome(
          pb.send('/api/settings', {
            method: 'PATCH',
            body,
            query: { fields: 'smtp.host,batch,rateLimits.rules,trustedProxy,meta.hideControls' },
          }),
        )
      return {
        meta: await patch({ meta: null }),
        appName: await patch({ meta: { appName: null } }),
        host: await patch({ smtp: { host: null } }),
        rules: await patch({ rateLimits: { rules: null } }),
        batch: await patch({ batch: null, trustedProxy: null }),
      }
    },
  },
  {
    name: 'batch: bodies that do not fit (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.settings.update({ batch: { enabled: true, maxRequests: 5, timeout: 3 } })
      const send = (body: string) =>
        outcome(
          pb.send('/api/batch', {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          }),
        )
      const out = {
        notList: await send('{"requests":"x"}'),
        object: await send('{"requests":{}}'),
        notObjects: await send('{"requests":[1]}'),
        methodNumber: await send('{"requests":[{"method":5}]}'),
        bodyString: await send('{"requests":[{"url":"/api/x","body":"s"}]}'),
        headersString: await send('{"requests":[{"url":"/api/x","headers":"s"}]}'),
        invalidJson: await send('xx'),
        array: await send('[1]'),
        empty: await send('{"requests":[]}'),
      }
      await pb.settings.update({ batch: { enabled: false } })
      return out
    },
  },
  {
    name: 'collection create: field options of the wrong JSON types (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const options = [
        { type: 'text', min: 'x' },
        { type: 'text', max: 1.5 },
        { type: 'text', required: 'yes' },
        { type: 'text', hidden: 1 },
        { type: 'text', min: null, presentable: null },
        { type: 'select', values: 'x' },
        { type: 'select', values: [1] },
        { type: 'number', min: '1' },
        { type: 'number', min: 1.5, max: 2.5 },
        { type: 'relation', collectionId: 5 },
        { type: 'file', mimeTypes: 'x' },
        { type: 'file', thumbs: [1] },
        { type: 'email', onlyDomains: null },
        { type: 'date', min: 5 },
        { type: 'autodate', onCreate: 'x' },
        { type: 'json', maxSize: 'x' },
        { type: 'text', id: 5 },
        { type: 'text', unknownOption: 5 },
      ]
      const out: unknown[] = []
      for (const [i, o] of options.entries()) {
        const r = await outcome(
          pb.collections.create({ name: `opt_types_${i}`, fields: [{ name: 'a', ...o }] }),
        )
        const body = r.body as { fields?: { name: string }[] }
        out.push(r.status === 200 ? body.fields?.find((f) => f.name === 'a') : r)
      }
      return out
    },
  },
  // auth collections: defaults merged over a partial body
  {
    name: 'auth collection create: minimal body (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.create({ name: 'acc_min', type: 'auth' })
      return shape(pb, 'acc_min')
    },
  },
  {
    name: 'auth collection create: system fields given with other options (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.create({
        name: 'acc_sys',
        type: 'auth',
        fields: [
          { name: 'email', type: 'email', required: false, hidden: true },
          { name: 'tokenKey', type: 'text', min: 5, hidden: false, required: false },
          { name: 'password', type: 'password', min: 12, hidden: false },
          { name: 'verified', type: 'bool', hidden: true },
          { name: 'emailVisibility', type: 'bool', hidden: true, required: true },
          { name: 'nick', type: 'text' },
        ],
      })
      return shape(pb, 'acc_sys')
    },
  },
  {
    name: 'auth collection create: system field names with other types (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      await pb.collections.create({
        name: 'acc_types',
        type: 'auth',
        fields: [
          { name: 'email', type: 'text' },
          { name: 'password', type: 'text' },
        ],
      })
      return shape(pb, 'acc_types')
    },
  },
  {
    name: 'auth collection create: long id, generated index names cut at 64 (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const id = 'averyveryverylongidthatgoesonandonandonandonandon_and_on_and_on'
      await pb.collections.create({ id, name: 'acc_long', type: 'auth' })
      return (await pb.collections.getOne('acc_long')).indexes
    },
  },
  {
    name: 'auth options: identityFields errors (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const update = (passwordAuth: unknown) =>
        outcome(pb.collections.update('users', { passwordAuth }))
      return {
        missing: await update({ identityFields: ['email', 'nope'] }),
        notUnique: await update({ identityFields: ['name'] }),
        empty: await update({ identityFields: [] }),
        nullList: await update({ identityFields: null }),
        notList: await update({ identityFields: 'email' }),
        notStrings: await update({ identityFields: [1] }),
        disabled: await update({ enabled: false, identityFields: ['nope'] }),
        duplicated: await update({ enabled: true, identityFields: ['email', 'email'] }),
      }
    },
  },
  {
    name: 'auth options: JSON types and nulls (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const update = (body: object) => outcome(pb.collections.update('users', body))
      const fields = 'passwordAuth,authToken,otp,oauth2'
      return {
        passwordAuthNull: await update({ passwordAuth: null }),
        passwordAuthString: await update({ passwordAuth: 'x' }),
        fraction: await update({ authToken: { duration: 1.5 } }),
        numericString: await update({ authToken: { duration: '100' } }),
        ruleNumber: await update({ authRule: 5 }),
        templateNull: await update({ otp: { emailTemplate: null, length: null } }),
        alertNull: await update({ authAlert: null }),
        enabledString: await update({ passwordAuth: { enabled: 'x' } }),
        providersNull: await outcome(
          pb.collections.update('users', { oauth2: { providers: null } }, { fields }),
        ),
      }
    },
  },
  {
    name: 'auth options: OAuth2 providers, kept secrets, mapped fields, MFA (superuser)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const update = (oauth2: object, extra: object = {}) =>
        outcome(pb.collections.update('users', { oauth2, ...extra }, { fields: 'oauth2' }))
      const two = [
        { name: 'github', clientId: 'x', clientSecret: 's1' },
        { name: 'google', clientId: 'g', clientSecret: 's2' },
      ]
      return {
        noSecret: await update({ enabled: true, providers: [{ name: 'github', clientId: 'x' }] }),
        two: await update({ enabled: true, providers: two }),
        reordered: await update({
          providers: [
            { name: 'google', clientId: 'g' },
            { name: 'github', clientId: 'x' },
          ],
        }),
        newWithoutSecret: await update({
          providers: [
            { name: 'google', clientId: 'g' },
            { name: 'gitlab', clientId: 'x' },
          ],
        }),
        emptySecret: await update({
          providers: [{ name: 'google', clientId: 'g', clientSecret: '' }],
        }),
        unknown: await update({ providers: [{ name: 'nope', clientId: 'x' }] }),
        duplicated: await update({
          providers: [
            { name: 'google', clientId: 'g', authURL: 'nope' },
            { name: 'google', clientId: 'x' },
          ],
        }),
        badUrl: await update({
          providers: [{ name: 'google', clientId: 'g', authURL: 'nope', tokenURL: 'https://x.y' }],
        }),
        badType: await update({ providers: [{ name: 'github', clientId: 5 }] }),
        notObject: await update({ providers: [1] }),
        mapped: await update({ mappedFields: { name: 'nope', avatarURL: 'avatar' } }),
        mfaAlone: await update({ enabled: false }, { mfa: { enabled: true, rule: 'x = 1' } }),
        mfaDuration: await update(
          { enabled: true },
          { mfa: { enabled: true, duration: 0 }, otp: { enabled: true } },
        ),
        off: await update({ enabled: false, providers: [] }),
      }
    },
  },
  {
    name: 'import: create, update and delete with deleteMissing (superuser, last)',
    as: 'su',
    status: 200,
    call: async (pb) => {
      const system = await pb.collections.getFullList({ filter: 'system = true' })
      const tags = await pb.collections.getOne('tags')
      const res = await outcome(
        pb.collections.import(
          [
            ...system,
            { name: 'imp_new', fields: [{ name: 'tag', type: 'relation', collectionId: tags.id }] },
            { ...tags, fields: tags.fields.filter((f: { name: string }) => f.name !== 'extra') },
            { name: 'imp_bare' },
          ],
          true,
        ),
      )
      const after = await pb.collections.getFullList({ sort: 'name', fields: 'name,type' })
      return { res, after, tags: await shape(pb, 'tags') }
    },
  },
]

describe('PocketBase vs Satchel: collections scenarios', () => {
  // NOTE: on PostgreSQL (compat-superuser-postgres.test.ts) the cases whose answer is SQLite's own are out.
  const run = satchelUsesPostgres() ? cases.filter((c) => c.sqliteOnly === undefined) : cases
  test.each(run.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await pair.run(c)
    expect(res.pocketbase.status).toBe(c.status)
    const log = pair.servers.satchel.proc.output().slice(-3000)
    expect(res.satchel, `satchel output (tail):\n${log}`).toEqual(res.pocketbase)
  })
})

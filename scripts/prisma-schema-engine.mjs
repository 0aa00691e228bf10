#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, built on Prisma's own engine compiled to
// wasm (@prisma/schema-engine-wasm) plus @prisma/adapter-pg. The Prisma CLI cannot download the
// native binary on offline machines; prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY here.
// PostgreSQL only. Requires the exact @prisma/schema-engine-wasm build matching the prisma CLI.
//
//   RPC mode: prisma-schema-engine.mjs --datamodels FILE... --datasource '{"url":...}'
//             (line-delimited JSON-RPC 2.0 on stdin/stdout, like the native binary)
//   CLI mode: prisma-schema-engine.mjs --datasource JSON cli can-connect-to-database|create-database|drop-database
//             prisma-schema-engine.mjs --version
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Arguments (same shape as the native binary's)
const args = { datamodels: [], datasource: {}, cli: null, version: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--datamodels') args.datamodels.push(process.argv[++i]);
  else if (a === '--datasource') args.datasource = JSON.parse(process.argv[++i]);
  else if (a === '--enabled-preview-features' || a === '--extension-types') i++; // not needed for postgres
  else if (a === '--version' || a === '-V') args.version = true;
  else if (a === 'cli') args.cli = process.argv[++i];
}

// ---------------------------------------------------------------------------------------------
// Connection-string helpers
// Only for messages: never throws. (URLs must be parseable by `new URL`; for a Unix socket write
// postgresql://user:pw@localhost/db?host=/run/postgresql rather than postgresql://user@/db?...)
function describeUrl(url) {
  try {
    const u = new URL(url);
    return { host: u.hostname || 'localhost', port: u.port || '5432', user: decodeURIComponent(u.username),
      database: decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) };
  } catch { return { host: '?', port: '?', user: '?', database: '?' }; }
}
function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}
// `?schema=` is Prisma's convention, not pg's: tell the adapter (the engine introspects that
// schema) and make it the search_path (migration SQL is unqualified), as the native engine does.
function adapterArgs(url) {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  if (!schema) return [{ connectionString: u.toString() }, undefined];
  return [{ connectionString: u.toString(), options: `-c search_path=${quoteIdent(schema)}` }, { schema }];
}
const quoteIdent = (name) => '"' + name.replaceAll('"', '""') + '"';
async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: adapterArgs(url)[0].connectionString });
  await client.connect();
  try { return await fn(client); } finally { await client.end().catch(() => {}); }
}

// ---------------------------------------------------------------------------------------------
// CLI mode. The Prisma CLI skips the first stderr line, parses every following line as a JSON
// log record and looks for the ERROR one from target schema_engine::logger.
function prismaErrorFor(err, url) {
  const { host, port, user, database } = describeUrl(url);
  switch (err.code) {
    case '3D000': return ['P1003', `Database \`${database}\` does not exist on the database server at \`${host}:${port}\`.`];
    case '28P01': case '28000': return ['P1000', `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${user}\` are not valid.\n\nPlease make sure to provide valid database credentials for the database server at \`${host}\`.`];
    case '42P04': return ['P1009', `Database \`${database}\` already exists on the database server at \`${host}:${port}\``];
    default: return ['P1001', `Can't reach database server at \`${host}:${port}\`\n\nPlease make sure your database server is running at \`${host}:${port}\`.\n\n(${err.code ?? ''} ${err.message})`];
  }
}
async function runCli(command) {
  const url = args.datasource.url;
  const { database } = describeUrl(url);
  // Creating or dropping a database needs a connection to some other database on the server.
  const onMaintenanceDb = async (fn) => {
    try { return await withClient(withDatabase(url, 'postgres'), fn); } catch (e) {
      if (e.code !== '3D000') throw e;
      return withClient(withDatabase(url, 'template1'), fn);
    }
  };
  try {
    if (command === 'can-connect-to-database') await withClient(url, (c) => c.query('SELECT 1'));
    else if (command === 'create-database') await onMaintenanceDb((c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
    else if (command === 'drop-database') await onMaintenanceDb((c) => c.query(`DROP DATABASE ${quoteIdent(database)}`));
    else throw Object.assign(new Error(`Unknown cli command: ${command}`), { code: 'unknown' });
    return 0;
  } catch (err) {
    const [error_code, message] = prismaErrorFor(err, url);
    const record = { level: 'ERROR', target: 'schema_engine::logger', fields: { is_panic: false, error_code, message } };
    process.stderr.write(`schema-engine (wasm stand-in) ${command} failed\n${JSON.stringify(record)}`);
    return 1;
  }
}

// ---------------------------------------------------------------------------------------------
// The wasm engine
async function loadWasmEngine() {
  // The glue reports Rust panics here right before the wasm traps with a RuntimeError.
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { message: '', get() { return this.message; }, set_message(m) { this.message = m; } };
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import(gluePath);
  const bytes = await readFile(gluePath.replace(/\.js$/, '.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue;
}

// Fixes applied to every adapter-pg connection (and its transactions) the engine gets.
//
// 1. adapter-pg cannot deserialize PostgreSQL's internal one-byte "char" type (OID 18, e.g.
//    pg_constraint.contype), which the engine's introspection queries return. pg already delivers
//    those values as strings (it has no parser for OID 18); we only have to keep adapter-pg's
//    OID-to-column-type mapping from throwing, then report the columns as Character. queryRaw
//    runs on a per-call view object whose performIO relabels OID 18 as text (25), so concurrent
//    queries on one adapter share no state.
// 2. adapter-pg's executeScript splits the script on every ";" (breaking $$ function bodies and
//    string literals) and runs the pieces one by one, so a failing migration is left half
//    applied. Send the script whole as one simple-protocol query, as the native engine does;
//    PostgreSQL then runs a multi-statement script in one implicit transaction.
function patchAdapter(queryable) {
  const { queryRaw, startTransaction, executeScript } = queryable;
  queryable.queryRaw = async (query) => {
    const charColumns = [];
    const view = Object.create(queryable, { performIO: { value: async (q) => {
      const result = await queryable.performIO(q);
      result.fields.forEach((field, i) => { if (field.dataTypeID === 18) { field.dataTypeID = 25; charColumns.push(i); } });
      return result;
    } } });
    const out = await queryRaw.call(view, query);
    for (const i of charColumns) out.columnTypes[i] = ColumnTypeEnum.Character;
    return out;
  };
  if (startTransaction) queryable.startTransaction = async (...a) => patchAdapter(await startTransaction.apply(queryable, a));
  if (executeScript) {
    queryable.executeScript = async (script) => {
      try { await queryable.client.query(script); } catch (e) { queryable.onError(e); } // onError rethrows, mapped
    };
  }
  return queryable;
}

// Shadow databases we created and have not dropped yet (dropped on dispose, or on exit at worst).
const shadowDatabases = new Set();
async function dropShadowDatabase(url, name) {
  await withClient(url, async (c) => {
    // WITH (FORCE) (PostgreSQL 13+) ends leftover sessions; fall back for older servers.
    try { await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`); } catch (e) {
      if (e.code !== '42601') throw e;
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
    }
  });
  shadowDatabases.delete(name);
}

// Defect workaround: adapter-pg's own connectToShadowDb() keeps the connection string's database
// (the connection string wins over its `database` override), so the "shadow" would be the main
// database. Use shadowDatabaseUrl if configured, else a uniquely named throwaway database.
function makeAdapterFactory(url, shadowDatabaseUrl) {
  const base = new PrismaPg(...adapterArgs(url));
  return bindMigrationAwareSqlAdapterFactory({
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => patchAdapter(await base.connect()),
    connectToShadowDb: async () => {
      if (shadowDatabaseUrl) {
        // The engine expects an empty shadow database and does not clean a configured one, so
        // reset its schema first, as the native engine does (it refuses the main database).
        const a = describeUrl(url), b = describeUrl(shadowDatabaseUrl);
        if (a.host === b.host && a.port === b.port && a.database === b.database) throw new Error('shadowDatabaseUrl points at the main database.');
        const schema = quoteIdent(new URL(shadowDatabaseUrl).searchParams.get('schema') ?? 'public');
        await withClient(shadowDatabaseUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`));
        return patchAdapter(await new PrismaPg(...adapterArgs(shadowDatabaseUrl)).connect());
      }
      const name = `prisma_shadow_${randomUUID().replaceAll('-', '')}`;
      shadowDatabases.add(name); // before creating it, so that an exit meanwhile still drops it
      await withClient(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
      const adapter = patchAdapter(await new PrismaPg(...adapterArgs(withDatabase(url, name))).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => { await dispose(); await dropShadowDatabase(url, name); };
      return adapter;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// RPC mode
const send = (msg) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...msg }) + '\n');
const logLine = (level, message, extra = {}) =>
  process.stderr.write(JSON.stringify({ timestamp: new Date().toISOString(), level, target: 'schema_engine::logger', fields: { message, ...extra } }) + '\n');
const inFlight = new Set(); // ids of CLI requests not answered yet
const replyWaiters = new Map(); // our own requests to the CLI (only `print`) awaiting its reply
let nextOwnId = 1_000_000;

function answerError(id, message, { isPanic = false, errorCode, meta } = {}) {
  if (!inFlight.delete(id)) return;
  const data = { is_panic: isPanic, message, ...(errorCode && { error_code: errorCode }), ...(meta && { meta }) };
  // For panics the CLI shows error.message; otherwise data.message (and data.error_code).
  send({ id, error: { code: 4466, message: isPanic ? message : 'An error happened. Check the data field for details.', data } });
}

// Ask the CLI to print text on its stdout, as the native engine does for `diff`.
function printViaCli(content) {
  const id = nextOwnId++;
  return new Promise((resolve) => { replyWaiters.set(id, resolve); send({ id, method: 'print', params: { content } }); });
}

// Cleanup on the way out. The CLI ends our stdin and then kills us straight away, so also hook
// SIGTERM. Every request still open gets an error: if we died silently the CLI would exit 0.
let exiting = false;
async function shutdown(code, reason, isPanic = false) {
  if (exiting) return;
  exiting = true;
  if (code === 0 && inFlight.size) code = 1;
  reason ??= inFlight.size ? 'The schema engine was stopped before it could answer.' : undefined;
  for (const id of [...inFlight]) answerError(id, reason, { isPanic });
  if (reason) logLine('ERROR', reason, { is_panic: isPanic });
  const url = args.datasource.url;
  await Promise.allSettled([...shadowDatabases].map((name) => dropShadowDatabase(url, name)));
  process.exit(code);
}

function describeError(err, factory) {
  const panic = globalThis.PRISMA_WASM_PANIC_REGISTRY?.message;
  if (err instanceof WebAssembly.RuntimeError) return { message: panic || String(err), isPanic: true };
  let message = err?.message ?? String(err);
  // "External error id#N" points at a JS error the adapter layer stashed in its registry.
  const m = /External error id#(\d+)/.exec(message);
  const cause = m && factory?.errorRegistry.consumeError(Number(m[1]))?.error;
  if (cause) message = `${message.trim()}\nCaused by: ${cause.message ?? String(cause)}${cause.detail ? `\n${cause.detail}` : ''}`;
  return { message, isPanic: false };
}

function runRpc() {
  // Nothing here may throw before the request loop is listening: if we exited before answering,
  // the CLI would wait forever on a dead pipe and then exit 0 without printing anything. Start-up
  // failures (no url, database unreachable, ...) are instead reported as each request's error.
  let factory;
  const enginePromise = (async () => {
    const url = args.datasource.url;
    // Unlike the native binary, the wasm engine connects as soon as it is constructed, so even
    // commands that would not touch the database (e.g. migrate diff --from-empty) need a url.
    if (!url) throw new Error('This schema engine (wasm stand-in) needs a database: set datasource.url in prisma.config.ts (DATABASE_URL).');
    factory = makeAdapterFactory(url, args.datasource.shadowDatabaseUrl);
    // The wasm engine panics when given no schema file at all; the CLI omits them for some commands.
    const datamodels = args.datamodels.length
      ? await Promise.all(args.datamodels.map(async (f) => [f, await readFile(f, 'utf8')]))
      : [['schema.prisma', 'datasource db {\n  provider = "postgresql"\n}\n']];
    const glue = await loadWasmEngine();
    return glue.SchemaEngine.new({ datamodels }, (log) => process.stderr.write(String(log).replace(/\n?$/, '\n')), factory);
  })();
  enginePromise.catch(() => {}); // reported per request
  const diagnosedLists = new Set();

  async function dispatch({ method, params }) {
    const engine = await enginePromise;
    if (method === 'getDatabaseVersion') method = 'version'; // renamed in the wasm build
    if (method === 'evaluateDataLoss' || method === 'createMigration') {
      // Defect workaround: in wasm these cannot open a shadow database themselves and reuse the
      // schema diagnoseMigrationHistory caches for this migrations list; make sure it exists.
      const key = JSON.stringify(params.migrationsList);
      if (!diagnosedLists.has(key)) {
        await engine.diagnoseMigrationHistory({ migrationsList: params.migrationsList, optInToShadowDatabase: true,
          filters: params.filters ?? { externalTables: [], externalEnums: [] } });
        diagnosedLists.add(key);
      }
    }
    if (method === 'diff') {
      // The native binary prints the diff through the CLI and returns `stdout: null`.
      const result = await engine.diff(params);
      if (result.stdout != null) await printViaCli(result.stdout.replace(/\n$/, ''));
      return { ...result, stdout: null };
    }
    if (typeof engine[method] !== 'function' || /^(free|constructor|_.*)$/.test(method)) throw Object.assign(new Error(`Unknown method ${method}`), { rpcCode: -32601 });
    const result = await engine[method](params);
    return result === undefined ? {} : result;
  }

  // Requests are handled one at a time, in order, like the native engine's RPC loop.
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    let msg;
    try { msg = JSON.parse(line); } catch { return logLine('WARN', `Ignoring unparsable input: ${line.slice(0, 200)}`); }
    if (!msg.method) { replyWaiters.get(msg.id)?.(msg); replyWaiters.delete(msg.id); return; } // a reply to our `print`
    if (msg.id === undefined) return; // notifications: nothing to do
    inFlight.add(msg.id);
    queue = queue.then(async () => {
      try {
        const result = await dispatch(msg);
        if (inFlight.delete(msg.id)) send({ id: msg.id, result });
      } catch (err) {
        if (err.rpcCode) { inFlight.delete(msg.id); return send({ id: msg.id, error: { code: err.rpcCode, message: err.message } }); }
        const { message, isPanic } = describeError(err, factory);
        answerError(msg.id, message, { isPanic });
        if (isPanic) await shutdown(101, message, true); // the wasm instance is unusable after a panic
      }
    });
  });
  lines.on('close', () => queue.then(() => shutdown(0)));
}

// ---------------------------------------------------------------------------------------------
// Panics inside wasm callbacks surface as uncaught exceptions rather than rejected promises.
process.on('uncaughtException', (err) => shutdown(101, describeError(err).message, true));
process.on('unhandledRejection', (err) => shutdown(101, describeError(err).message, true));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGINT', () => shutdown(130, 'Interrupted'));

if (args.version) {
  const glue = await loadWasmEngine();
  process.stdout.write(`schema-engine-cli ${glue.version()}\n`);
} else if (args.cli) {
  process.exitCode = await runCli(args.cli);
} else {
  runRpc();
}

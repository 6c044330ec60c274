/**
 * Starting a local Temporal dev server (the Temporal CLI's `server start-dev`) through
 * `@temporalio/testing`, with the binary found by {@link resolveTemporalCli}.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { getFreePort, isPortFree } from './net';
import { resolveTemporalCli, type ResolvedTemporalCli, type ResolveTemporalCliOptions } from './temporal-cli';

/** Search attribute types as the Temporal CLI (`--search-attribute Name=Type`) spells them. */
export type SearchAttributeTypeName = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

/** Default port of the Temporal Web UI. */
export const DEFAULT_TEMPORAL_UI_PORT = 8233;

/** `temporal.api.enums.v1.IndexedValueType` values, without depending on @temporalio/proto directly. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

function typeName(value: number | string): string {
  if (typeof value === 'string') return value.replace(/^INDEXED_VALUE_TYPE_/, '');
  return Object.entries(INDEXED_VALUE_TYPE).find(([, v]) => v === value)?.[0] ?? `#${value}`;
}

/** Options of {@link startTemporalDevServer}. */
export interface StartTemporalDevServerOptions {
  /**
   * SQLite file to persist the server's state in (its directory is created if missing). A later
   * start on the same file sees the earlier workflows. Omit for an in-memory server.
   */
  dbFilename?: string;
  /** Frontend (gRPC) port; a free port is picked when omitted. */
  port?: number;
  /** Interface to bind the frontend and UI to (default `127.0.0.1`). */
  ip?: string;
  /** Whether to serve the Web UI (default `true`). */
  ui?: boolean;
  /**
   * Web UI port (default {@link DEFAULT_TEMPORAL_UI_PORT}). When not given and 8233 is taken, a
   * free port is used instead (and logged); when given and taken, starting fails.
   */
  uiPort?: number;
  /** Namespace to create and use (default `default`). */
  namespace?: string;
  /** Progress sink (default: `console.error`). Also used for the CLI resolver's progress. */
  log?: (msg: string) => void;
  /**
   * Custom search attributes to register on {@link namespace}. Registered at database creation
   * and, for a persisted database that already exists, added through the operator API if missing.
   */
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** Dev server log level (default `error`). Its logs go to this process's stdout/stderr. */
  serverLogLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra arguments for `temporal server start-dev`. */
  extraArgs?: string[];
  /** Options passed to {@link resolveTemporalCli} (its `log` defaults to {@link log}). */
  cli?: ResolveTemporalCliOptions;
}

/** A running dev server, as returned by {@link startTemporalDevServer}. */
export interface TemporalDevServer {
  /** `host:port` of the frontend, for `Connection.connect({ address })` / `NativeConnection.connect`. */
  address: string;
  /** Web UI URL, or `undefined` when the UI is off. */
  uiUrl: string | undefined;
  /** Namespace created on the server. */
  namespace: string;
  /** Where the Temporal CLI binary came from. */
  cli: ResolvedTemporalCli;
  /** The SDK's environment; its `client`, `connection` and `nativeConnection` are ready to use. */
  env: TestWorkflowEnvironment;
  /** Closes the environment's connections and kills the server. Safe to call more than once. */
  stop(): Promise<void>;
}

function defaultLog(msg: string): void {
  console.error(`[temporal] ${msg}`);
}

/**
 * Starts a Temporal dev server with `TestWorkflowEnvironment.createLocal`, using the binary from
 * {@link resolveTemporalCli} (`executable: { type: 'existing-path' }`) or, when none can be found or
 * built, the SDK's download (`type: 'cached-download'`).
 *
 * @throws when a requested port is taken, the server does not come up, or a search attribute
 *   already exists in a persisted database with a different type.
 */
export async function startTemporalDevServer(opts: StartTemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const log = opts.log ?? defaultLog;
  const ip = opts.ip ?? '127.0.0.1';
  const namespace = opts.namespace ?? 'default';
  const ui = opts.ui ?? true;
  const searchAttributes = opts.searchAttributes ?? {};

  for (const [name, type] of Object.entries(searchAttributes)) {
    if (!(type in INDEXED_VALUE_TYPE)) throw new Error(`search attribute ${name}: unknown type ${String(type)}`);
  }

  const cli = await resolveTemporalCli({ log, ...opts.cli });

  let port = opts.port;
  if (port === undefined) {
    port = await getFreePort(ip);
  } else if (!(await isPortFree(port, ip))) {
    throw new Error(`cannot start the Temporal dev server: port ${ip}:${port} is already in use`);
  }

  let uiPort: number | undefined;
  if (ui) {
    if (opts.uiPort !== undefined) {
      if (!(await isPortFree(opts.uiPort, ip))) {
        throw new Error(`cannot start the Temporal Web UI: port ${ip}:${opts.uiPort} is already in use`);
      }
      uiPort = opts.uiPort;
    } else if (await isPortFree(DEFAULT_TEMPORAL_UI_PORT, ip)) {
      uiPort = DEFAULT_TEMPORAL_UI_PORT;
    } else {
      uiPort = await getFreePort(ip);
      log(`port ${DEFAULT_TEMPORAL_UI_PORT} is taken; serving the Temporal Web UI on ${uiPort} instead`);
    }
  }

  let dbFilename: string | undefined;
  let dbExisted = false;
  if (opts.dbFilename) {
    dbFilename = path.resolve(opts.dbFilename);
    await fs.mkdir(path.dirname(dbFilename), { recursive: true });
    dbExisted = await fs.stat(dbFilename).then(
      () => true,
      () => false,
    );
  }

  // The CLI only applies --search-attribute when it creates the namespace, i.e. on a new
  // database; on an existing one the flags are silently ignored (no error), so missing
  // attributes are added through the operator API below.
  const saArgs = Object.entries(searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);

  log(
    `starting the Temporal dev server on ${ip}:${port}` +
      (dbFilename ? ` (database ${dbFilename}${dbExisted ? ', existing' : ', new'})` : ' (in memory)') +
      (uiPort !== undefined ? `, Web UI on port ${uiPort}` : '') +
      (cli.path ? ` using ${cli.path} [${cli.source}]` : ' using the SDK-downloaded CLI'),
  );

  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: cli.path ? { type: 'existing-path', path: cli.path } : { type: 'cached-download' },
      ip,
      port,
      ui,
      uiPort,
      namespace,
      dbFilename,
      // Errors only: at shutdown the dev server warns about its own internal connections closing.
      log: { format: 'pretty', level: opts.serverLogLevel ?? 'error' },
      extraArgs: [...saArgs, ...(opts.extraArgs ?? [])],
    },
  });

  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= env.teardown());

  try {
    await ensureSearchAttributes(env, namespace, searchAttributes, log, dbFilename);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }

  const uiHost = ip === '0.0.0.0' || ip === '::' ? '127.0.0.1' : ip;
  return {
    address: env.address,
    uiUrl: uiPort !== undefined ? `http://${uiHost}:${uiPort}` : undefined,
    namespace,
    cli,
    env,
    stop,
  };
}

/** Adds the search attributes the namespace lacks; fails on an existing attribute of another type. */
async function ensureSearchAttributes(
  env: TestWorkflowEnvironment,
  namespace: string,
  wanted: Record<string, SearchAttributeTypeName>,
  log: (msg: string) => void,
  dbFilename: string | undefined,
): Promise<void> {
  if (Object.keys(wanted).length === 0) return;
  const { operatorService } = env.connection;
  const { customAttributes } = await operatorService.listSearchAttributes({ namespace });
  const existing: Record<string, number | string> = customAttributes ?? {};

  const missing: Record<string, number> = {};
  const conflicts: string[] = [];
  for (const [name, type] of Object.entries(wanted)) {
    const have = existing[name];
    if (have === undefined) missing[name] = INDEXED_VALUE_TYPE[type];
    else if (typeName(have) !== type && have !== INDEXED_VALUE_TYPE[type]) {
      conflicts.push(`${name} is ${typeName(have)}, wanted ${type}`);
    }
  }
  if (conflicts.length > 0) {
    throw new Error(
      `search attributes registered with another type in namespace ${namespace}: ${conflicts.join('; ')}` +
        (dbFilename ? `. Delete ${dbFilename} to start over.` : ''),
    );
  }
  if (Object.keys(missing).length === 0) return;

  log(`registering search attributes in namespace ${namespace}: ${Object.keys(missing).join(', ')}`);
  try {
    await operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // Another process may have added them concurrently: accept if they are now all present.
    const after = (await operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    if (Object.keys(missing).some((name) => after[name] === undefined)) throw err;
  }
}

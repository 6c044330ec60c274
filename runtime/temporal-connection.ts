/**
 * Connections to Temporal from configuration: a local dev server, a self-hosted cluster with
 * mTLS, or Temporal Cloud with an API key.
 */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config';
import { ConfigError } from './config';

function readFileFor(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new ConfigError(`Invalid configuration:\n  ${variable}: cannot read ${file}`);
  }
}

/** Connection options shared by the client and the worker. */
export function temporalConnectionOptions(cfg: Config, address: string): ConnectionOptions & NativeConnectionOptions {
  const tlsWanted = cfg.TEMPORAL_TLS || cfg.TEMPORAL_TLS_CERT_PATH || cfg.TEMPORAL_API_KEY;
  const tls = tlsWanted
    ? {
        serverNameOverride: cfg.TEMPORAL_TLS_SERVER_NAME,
        serverRootCACertificate: cfg.TEMPORAL_TLS_CA_PATH ? readFileFor('TEMPORAL_TLS_CA_PATH', cfg.TEMPORAL_TLS_CA_PATH) : undefined,
        clientCertPair: cfg.TEMPORAL_TLS_CERT_PATH && cfg.TEMPORAL_TLS_KEY_PATH
          ? { crt: readFileFor('TEMPORAL_TLS_CERT_PATH', cfg.TEMPORAL_TLS_CERT_PATH), key: readFileFor('TEMPORAL_TLS_KEY_PATH', cfg.TEMPORAL_TLS_KEY_PATH) }
          : undefined,
      }
    : undefined;
  return { address, tls, apiKey: cfg.TEMPORAL_API_KEY } as ConnectionOptions & NativeConnectionOptions;
}

/** A Temporal client for the API. */
export async function connectClient(cfg: Config, address: string): Promise<Client> {
  const connection = await Connection.connect(temporalConnectionOptions(cfg, address));
  return new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE });
}

/** A native connection for workers. */
export async function connectWorker(cfg: Config, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(cfg, address));
}

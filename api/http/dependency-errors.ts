/**
 * Recognises failures that mean a dependency is down — PostgreSQL refusing or dropping
 * connections, Temporal answering UNAVAILABLE — so the API answers 503 with a clear message
 * (and Retry-After) instead of a bare 500.
 */

/** Which dependency is down. */
export type Dependency = 'postgres' | 'temporal';

/** Messages of a down dependency, in both languages. */
export const DEPENDENCY_MESSAGES: Record<Dependency, { 'zh-CN': string; en: string }> = {
  postgres: { 'zh-CN': '数据库（PostgreSQL）暂时不可用，请稍后重试', en: 'the database (PostgreSQL) is unavailable; try again shortly' },
  temporal: { 'zh-CN': '流程服务（Temporal）暂时不可用，请稍后重试', en: 'the workflow service (Temporal) is unavailable; try again shortly' },
};

const PG_DOWN =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|Connection terminated|connection is closed|Can't reach database|terminating connection|the database system is (starting up|shutting down|in recovery mode)|Timed out fetching a new connection|Client has encountered a connection error|server closed the connection/i;
/** P1001 unreachable, P1002 timed out, P1008 operation timed out, P1017 connection closed, P2024 pool timeout. */
const PRISMA_DOWN_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** SQLSTATE classes 08 (connection exception) and 57P0x (shutdown, cannot connect now). */
const PG_DOWN_SQLSTATE = /^(08...|57P0[1-4])$/;
/** gRPC UNAVAILABLE (14) and DEADLINE_EXCEEDED (4). */
const GRPC_DOWN = new Set([14, 4]);

function chain(err: unknown): Record<string, any>[] {
  const out: Record<string, any>[] = [];
  let e: unknown = err;
  for (let i = 0; i < 6 && e && typeof e === 'object' && !out.includes(e as Record<string, any>); i++) {
    out.push(e as Record<string, any>);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** The dependency whose outage caused `err`, or `undefined` for any other error. */
export function downDependency(err: unknown): Dependency | undefined {
  for (const e of chain(err)) {
    if (e.dependency === 'postgres' || e.dependency === 'temporal') return e.dependency as Dependency;
    const name = String(e.name ?? e.constructor?.name ?? '');
    const message = String(e.message ?? '');
    if (/^Prisma/.test(name) || /DriverAdapter/.test(name) || e.clientVersion !== undefined) {
      if (PRISMA_DOWN_CODES.has(String(e.code)) || PG_DOWN.test(message)) return 'postgres';
    }
    if (typeof e.code === 'string' && PG_DOWN_SQLSTATE.test(e.code)) return 'postgres';
    if (typeof e.code === 'number' && GRPC_DOWN.has(e.code) && ('details' in e || 'metadata' in e)) return 'temporal';
    if (name === 'ServiceError' && /UNAVAILABLE|DEADLINE_EXCEEDED|Failed to connect|connection refused/i.test(message)) return 'temporal';
    if (name === 'TransportError' || name === 'ConnectionError') return 'temporal';
    if (/^(ECONNREFUSED|ECONNRESET|EPIPE)$/.test(String(e.code)) && /5432|postgres/i.test(message)) return 'postgres';
  }
  return undefined;
}

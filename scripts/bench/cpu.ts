/**
 * CPU seconds used so far by this process and its descendants, by kind (node, PostgreSQL, the
 * Temporal dev server), read from /proc — so the bench says where a case's work goes.
 */
import fs from 'node:fs';

/** CPU seconds by kind of process. */
export interface CpuSeconds {
  node: number;
  postgres: number;
  temporal: number;
  other: number;
}

const TICKS = 100; // USER_HZ on Linux

function readStat(pid: string): { ppid: number; comm: string; cpu: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // utime + stime, and cutime + cstime: the CPU of children it has reaped (a PostgreSQL backend
    // that ended during a measure is counted in its postmaster's, not lost from the sum).
    return { ppid: Number(f[1]), comm, cpu: (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS };
  } catch {
    return null;
  }
}

/** CPU seconds of `root` and every process below it (none on a system without /proc). */
export function cpuOfTree(root: number = process.pid): CpuSeconds {
  const out: CpuSeconds = { node: 0, postgres: 0, temporal: 0, other: 0 };
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return out;
  }
  const stats = new Map<number, { ppid: number; comm: string; cpu: number }>();
  for (const p of pids) {
    const s = readStat(p);
    if (s) stats.set(Number(p), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop() as number;
    const s = stats.get(pid);
    if (s) {
      const kind = s.comm.startsWith('postgres') ? 'postgres' : s.comm.startsWith('temporal') ? 'temporal' : pid === root || s.comm === 'node' ? 'node' : 'other';
      out[kind] += s.cpu;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** `after − before`. */
export function cpuDelta(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return { node: after.node - before.node, postgres: after.postgres - before.postgres, temporal: after.temporal - before.temporal, other: after.other - before.other };
}

/**
 * Managing officials and their API tokens from the command line.
 *
 *   npm run officials -- create --name 张三 --email zhangsan@example.cn --role VILLAGE --region 410599100201
 *                               [--language en] [--stands-in-for <officialId>] [--id <officialId>]
 *   npm run officials -- token <officialId> [--label <text>]
 *   npm run officials -- revoke <officialId>        (revokes all of the official's tokens)
 *   npm run officials -- list [--region <code>]
 *
 * A token is printed once, alone on stdout (`TOKEN=$(npm run -s officials -- token off-admin)`);
 * only its hash is stored. Uses DATABASE_URL, or else the embedded Postgres under the data
 * directory (started for the run, or shared with a running `npm start`).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { PrismaClient } from '@prisma/client';
import { z } from 'zod';
import type { RegionLevel } from '../api/auth/authenticate';
import { issueToken, revokeTokens } from '../api/auth/tokens';
import { loadConfig, runMain } from '../runtime/config';
import { applyMigrations } from '../runtime/migrate';
import { resolveDatabase } from '../runtime/postgres';
import { createPrisma } from '../runtime/prisma';
import type { Role } from '../workflows/contracts';

const USAGE = `usage:
  npm run officials -- create --name <name> --email <email> --role <VILLAGE|TOWNSHIP|COUNTY|ADMIN|CONTACT> --region <code>
                              [--language zh-CN|en] [--stands-in-for <officialId>] [--id <officialId>]
  npm run officials -- token <officialId> [--label <text>]
  npm run officials -- revoke <officialId>
  npm run officials -- list [--region <code>]`;

const ROLES = ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN', 'CONTACT', 'GRID'] as const satisfies readonly Role[];

/** Region levels each role may be placed on. */
const LEVELS_FOR_ROLE: Record<Role, RegionLevel[]> = {
  VILLAGE: ['VILLAGE'],
  CONTACT: ['VILLAGE'],
  GRID: ['VILLAGE'],
  TOWNSHIP: ['TOWNSHIP'],
  COUNTY: ['COUNTY'],
  ADMIN: ['COUNTY', 'CITY'],
};

const ZCreateArgs = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(50, 'at most 50 characters'),
  email: z.email('must be an email address').transform((s) => s.toLowerCase()),
  role: z.enum(ROLES, `must be one of ${ROLES.join(', ')}`),
  region: z.string().regex(/^\d{12}$/, 'must be a 12-digit region code, e.g. 410599100201'),
  language: z.enum(['zh-CN', 'en'], 'must be zh-CN or en').default('zh-CN'),
  'stands-in-for': z.string().min(1).optional(),
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'use 3–63 lowercase letters, digits or "-"')
    .optional(),
});

/** Thrown for a wrong command line; the message names the flag. */
class UsageError extends Error {}

function parseFlags<T extends z.ZodType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const r = schema.safeParse(values);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const flag = `--${String(issue.path[0] ?? '')}`;
  const missing = issue.code === 'invalid_type' && values[String(issue.path[0])] === undefined;
  throw new UsageError(`${flag}: ${missing ? 'is required' : issue.message}`);
}

async function create(prisma: PrismaClient, a: z.infer<typeof ZCreateArgs>): Promise<void> {
  const region = await prisma.region.findUnique({ where: { code: a.region } });
  if (!region) throw new UsageError(`--region: ${a.region} is not a known region`);
  const allowed = LEVELS_FOR_ROLE[a.role];
  if (!allowed.includes(region.level as RegionLevel)) {
    throw new UsageError(
      `--region: a ${a.role} official belongs to a ${allowed.join(' or ').toLowerCase()}; ${a.region} (${region.name}) is a ${region.level.toLowerCase()}`,
    );
  }
  const sameEmail = await prisma.official.findUnique({ where: { email: a.email } });
  if (sameEmail) throw new UsageError(`--email: ${a.email} is already used by ${sameEmail.id}`);

  const standsInForId = a['stands-in-for'];
  if (standsInForId) {
    const principal = await prisma.official.findUnique({ where: { id: standsInForId } });
    if (!principal) throw new UsageError(`--stands-in-for: no official ${standsInForId}`);
    if (principal.role !== a.role || principal.regionCode !== a.region) {
      throw new UsageError(
        `--stands-in-for: ${standsInForId} is a ${principal.role} official of ${principal.regionCode}; a stand-in must have the same role and region`,
      );
    }
    if (principal.standsInForId) throw new UsageError(`--stands-in-for: ${standsInForId} is itself a stand-in`);
  }

  const id = a.id ?? `off-${a.role.slice(0, 3).toLowerCase()}-${randomBytes(3).toString('hex')}`;
  if (await prisma.official.findUnique({ where: { id } })) throw new UsageError(`--id: ${id} already exists`);

  await prisma.official.create({
    data: { id, name: a.name, email: a.email, role: a.role, regionCode: a.region, language: a.language, standsInForId: standsInForId ?? null },
  });
  const token = await issueToken(prisma, id, 'cli');
  console.error(`created ${id}: ${a.name} <${a.email}>, ${a.role}, ${a.region} ${region.name}${standsInForId ? `, stands in for ${standsInForId}` : ''}`);
  console.error('API token (shown once — store it now; only its hash is kept):');
  console.log(token);
}

async function token(prisma: PrismaClient, officialId: string, label: string | undefined): Promise<void> {
  const official = await prisma.official.findUnique({ where: { id: officialId } });
  if (!official) throw new UsageError(`no official ${officialId} (see: npm run officials -- list)`);
  if (!official.active) throw new UsageError(`${officialId} is deactivated`);
  const plain = await issueToken(prisma, officialId, label ?? 'cli');
  console.error(`new API token for ${officialId} (${official.name}, ${official.role}) — shown once; only its hash is kept:`);
  console.log(plain);
}

async function revoke(prisma: PrismaClient, officialId: string): Promise<void> {
  if (!(await prisma.official.findUnique({ where: { id: officialId } }))) throw new UsageError(`no official ${officialId}`);
  const n = await revokeTokens(prisma, { officialId });
  console.log(`revoked ${n} token${n === 1 ? '' : 's'} of ${officialId}`);
}

async function list(prisma: PrismaClient, regionCode: string | undefined): Promise<void> {
  const officials = await prisma.official.findMany({
    where: regionCode ? { regionCode } : {},
    include: { region: true, tokens: { where: { revokedAt: null }, select: { id: true } } },
    orderBy: [{ regionCode: 'asc' }, { role: 'asc' }, { id: 'asc' }],
  });
  if (officials.length === 0) {
    console.log(regionCode ? `no officials in ${regionCode}` : 'no officials yet');
    return;
  }
  const rows = officials.map((o) => [
    o.id,
    o.role,
    `${o.regionCode} ${o.region.name}`,
    o.name,
    o.email,
    o.language,
    o.active ? `${o.tokens.length} token${o.tokens.length === 1 ? '' : 's'}` : 'deactivated',
    o.standsInForId ? `stands in for ${o.standsInForId}` : '',
  ]);
  const header = ['id', 'role', 'region', 'name', 'email', 'lang', 'tokens', ''];
  // CJK characters take two columns in a terminal.
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  for (const r of [header, ...rows]) {
    console.log(r.map((c, i) => c + ' '.repeat(widths[i] - width(c))).join('  ').trimEnd());
  }
}

await runMain('officials', async () => {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string' },
        region: { type: 'string' },
        language: { type: 'string' },
        'stands-in-for': { type: 'string' },
        id: { type: 'string' },
        label: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    const unknown = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
    throw new Error(`${unknown ? `${unknown}: unknown option` : (err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [command, arg] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  if (!['create', 'token', 'revoke', 'list'].includes(command)) throw new Error(`unknown command "${command}"\n${USAGE}`);
  const officialId = arg ?? '';
  if ((command === 'token' || command === 'revoke') && !officialId) throw new Error(`${command}: an official id is required\n${USAGE}`);
  // Check the flags before starting anything.
  const createArgs = command === 'create' ? parseFlags(ZCreateArgs, values) : undefined;

  const cfg = loadConfig();
  const db = await resolveDatabase(cfg, { log: (m) => console.error(`[postgres] ${m}`) });
  const prisma = createPrisma(db.url);
  try {
    // The embedded database may never have been migrated (no `npm start` yet).
    if (db.source === 'embedded') await applyMigrations(db.url, () => undefined);
    if (createArgs) await create(prisma, createArgs);
    else if (command === 'token') await token(prisma, officialId, values.label);
    else if (command === 'revoke') await revoke(prisma, officialId);
    else await list(prisma, values.region);
  } finally {
    await prisma.$disconnect();
    await db.stop();
  }
});

/**
 * 存量贷款与公益岗位导入 — bulk import of a county's existing microcredit loans (小额信贷台账) and
 * public-welfare posts (公益岗位台账) from CSV (UTF-8 or GBK as Excel saves it, read by the setup
 * files' reader). Each row is checked by a zod schema and the policy (the same services as the API
 * routes) and reported on its own line, naming the column of a refused row — never its value. A
 * loan enters disbursed, a post in post; each records its measure on the household's open case.
 * The bank account and the holder's ID number are sealed at rest (ProgrammePersonalData) by those
 * services. Idempotent by reference: the process id is `MC-<reference>` / `GY-<reference>`, so the
 * same file again starts nothing new (`ALREADY_IMPORTED`).
 *
 * The household is named by its case (`caseId`) or by the head's ID number (`headIdNumber`, the
 * household's latest case is taken); the ID number is only hashed to find it.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import type { AuthOfficial } from '../auth/authenticate';
import { AppError } from '../http/app-error';
import { ZIdNumber } from '../routes/cases/create-case.types';
import { LOAN_PURPOSES } from '../../workflows/microcredit/contracts';
import { applyForMicrocredit } from './apply-microcredit';
import { applyForWelfareJob } from './apply-welfare-job';
import type { ServiceContext } from './context';
import type { FundImportReport, FundImportRow } from './import-fund-records';
import { tableImportReport } from './import-fund-records';
import { householdIdFromKey, householdKey } from './ids';

/** Loan columns: canonical name → accepted Chinese headers. */
export const LOAN_COLUMNS = {
  reference: ['贷款编号', '合同编号'], caseId: ['帮扶案件编号', '案件编号'], headIdNumber: ['户主身份证号码', '户主身份证号'],
  amount: ['贷款金额（元）', '贷款金额(元)', '贷款金额'], termMonths: ['贷款期限（月）', '贷款期限(月)', '期限（月）'], annualRatePct: ['年利率（%）', '年利率(%)', '年利率'],
  disbursedOn: ['放款日期'], purpose: ['贷款用途'], purposeNote: ['用途说明'], bankAccount: ['银行账号', '贷款账号'],
} as const;

/** Post columns. */
export const POST_COLUMNS = {
  reference: ['岗位编号', '协议编号'], caseId: ['帮扶案件编号', '案件编号'], headIdNumber: ['户主身份证号码', '户主身份证号'],
  idNumber: ['在岗人员身份证号码', '身份证号码'], post: ['岗位名称', '岗位'], monthlyWage: ['月工资（元）', '月工资(元)', '月工资'],
  startOn: ['上岗日期'], termMonths: ['协议期限（月）', '协议期限(月)'], monthsConfirmed: ['已确认月数'], member: ['在岗成员', '与户主关系'],
} as const;

const PURPOSE_ALIASES: Record<string, string> = { 种植: 'PLANTING', 种植业: 'PLANTING', 养殖: 'BREEDING', 养殖业: 'BREEDING', 加工: 'PROCESSING', 服务业: 'SERVICES', 其他: 'OTHER_PRODUCTION', 其他生产经营: 'OTHER_PRODUCTION' };

const REFERENCE = safeText().regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ or - (at most 60)');
const DATE = safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const num = z.preprocess((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.replace(/,/g, '')) ? Number(v.replace(/,/g, '')) : v), z.number());
const household = { caseId: safeText().min(1).max(100).optional(), headIdNumber: ZIdNumber.optional() };
const oneHousehold = (r: { caseId?: string; headIdNumber?: string }) => r.caseId !== undefined || r.headIdNumber !== undefined;

/** One loan row. */
export const ZLoanImportRow = z.object({
  reference: REFERENCE, ...household,
  amount: num.pipe(z.number().positive().max(10_000_000)), termMonths: num.pipe(z.number().int().positive().max(120)),
  annualRatePct: num.pipe(z.number().min(0).max(20)), disbursedOn: DATE,
  purpose: z.preprocess((v) => (typeof v === 'string' ? PURPOSE_ALIASES[v] ?? v : v), z.enum(LOAN_PURPOSES)),
  purposeNote: safeText().max(200).optional(),
  bankAccount: safeText().regex(/^\d{10,30}$/, '10 to 30 digits'),
}).refine(oneHousehold, { path: ['caseId'], message: 'caseId or headIdNumber: name the household' });

/** One post row. */
export const ZPostImportRow = z.object({
  reference: REFERENCE, ...household, idNumber: ZIdNumber,
  post: safeText().min(1).max(40), monthlyWage: num.pipe(z.number().positive().max(100_000)), startOn: DATE,
  termMonths: num.pipe(z.number().int().positive().max(12)), monthsConfirmed: num.pipe(z.number().int().min(0).max(12)).optional(),
  member: safeText().max(20).optional(),
}).refine(oneHousehold, { path: ['caseId'], message: 'caseId or headIdNumber: name the household' })
  .refine((r) => (r.monthsConfirmed ?? 0) <= r.termMonths, { path: ['monthsConfirmed'], message: 'at most the term' });

/** Whether `d` (YYYY-MM-DD) is a real calendar date, today or before (Beijing). */
function pastDate(d: string): boolean {
  const ok = new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
  return ok && d <= new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The household's case: the one named, or the latest of the household of the head's ID number. */
async function caseOf(ctx: ServiceContext, r: { caseId?: string; headIdNumber?: string }): Promise<string> {
  if (r.caseId) return r.caseId;
  const householdId = householdIdFromKey(householdKey(ctx.secret, r.headIdNumber!));
  const c = await ctx.prisma.case.findFirst({ where: { householdId }, orderBy: { openedAt: 'desc' }, select: { id: true } });
  if (!c) throw new AppError('NOT_FOUND', 'headIdNumber: no case of this household', { field: 'headIdNumber' });
  return c.id;
}

/** The column a service's refusal names (a case's `id` is the row's caseId). */
function columnOf(field: string | undefined, fallback: string): string {
  const f = field?.split('.').pop();
  return !f || f === 'id' ? fallback : f;
}

async function started(run: () => Promise<{ processId: string; started: boolean }>, caseColumn: string): Promise<Omit<FundImportRow, 'line' | 'reference'>> {
  try {
    const r = await run();
    return { outcome: r.started ? 'STARTED' : 'ALREADY_IMPORTED', processId: r.processId };
  } catch (err) {
    if (err instanceof AppError && err.code !== 'INTERNAL' && err.code !== 'UNAVAILABLE') {
      const field = columnOf(err.field, caseColumn);
      return { outcome: 'REJECTED', field, reason: err.message.startsWith(`${field}:`) ? err.message : `${field}: ${err.message}` };
    }
    console.error(`[programme-imports] a row failed: ${(err as Error)?.name ?? 'Error'}`);
    return { outcome: 'FAILED', reason: 'internal error; send the row again' };
  }
}

/** A table import whose rows are parsed by `schema` first (a refused row names its column, never its value). */
function report<C extends string>(
  bytes: Uint8Array, columns: Record<C, readonly string[]>, schema: z.ZodType, row: (data: any) => Promise<Omit<FundImportRow, 'line' | 'reference'>>,
  extraKeys: (cells: Record<string, string | undefined>) => string[] = () => [],
): Promise<FundImportReport> {
  // Rows of one reference (or one person) run one after the other, so a check-then-start (one post per person) sees the row before it.
  return tableImportReport(bytes, columns, async (cells) => {
    const parsed = schema.safeParse(cells);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0].path[0] ?? 'reference');
      return { outcome: 'REJECTED' as const, field, reason: `${field}: ${parsed.error.issues[0].message}` };
    }
    return row(parsed.data);
  }, (cells) => extraKeys(cells as Record<string, string | undefined>));
}

/** Imports existing loans (小额信贷台账): each enters disbursed. */
export function importLoans(ctx: ServiceContext, official: AuthOfficial, bytes: Uint8Array): Promise<FundImportReport> {
  return report(bytes, LOAN_COLUMNS, ZLoanImportRow, async (r: z.infer<typeof ZLoanImportRow>) => (pastDate(r.disbursedOn) ? started(async () => applyForMicrocredit(ctx, official, {
    caseId: await caseOf(ctx, r), processId: `MC-${r.reference}`, amount: r.amount, termMonths: r.termMonths, purpose: r.purpose,
    ...(r.purposeNote ? { purposeNote: r.purposeNote } : {}), bankAccount: r.bankAccount,
    imported: { amount: r.amount, termMonths: r.termMonths, annualRatePct: r.annualRatePct, disbursedOn: r.disbursedOn },
  }), r.caseId ? 'caseId' : 'headIdNumber') : { outcome: 'REJECTED', field: 'disbursedOn', reason: 'disbursedOn: a real date, not in the future' }));
}

/** Imports existing public-welfare posts (公益岗位台账): each enters in post. */
export function importPosts(ctx: ServiceContext, official: AuthOfficial, bytes: Uint8Array): Promise<FundImportReport> {
  return report(bytes, POST_COLUMNS, ZPostImportRow, async (r: z.infer<typeof ZPostImportRow>) => (pastDate(r.startOn) ? started(async () => applyForWelfareJob(ctx, official, {
    caseId: await caseOf(ctx, r), processId: `GY-${r.reference}`, idNumber: r.idNumber, post: r.post, monthlyWage: r.monthlyWage, termMonths: r.termMonths,
    ...(r.member ? { member: r.member } : {}),
    imported: { startOn: r.startOn, termMonths: r.termMonths, monthsConfirmed: r.monthsConfirmed ?? 0 },
  }), r.caseId ? 'caseId' : 'headIdNumber') : { outcome: 'REJECTED', field: 'startOn', reason: 'startOn: a real date, not in the future' }),
  (cells) => (cells.idNumber ? [`person:${householdKey(ctx.secret, cells.idNumber)}`] : []));
}

import { z } from 'zod';
import { safeText } from '../../../core/text';
import { ZIdNumber } from '../cases/create-case.types';
import { ZProcessDetail } from '../processes/processes.types';

/** POST /api/welfare-jobs — 公益岗位申请. */
export const ZApplyWelfareJobRequestSchema = z.object({
  /** The household's case (monitored, in elimination review, or eliminated). */
  caseId: safeText().min(1).max(100),
  /** The person's resident ID number: age and one post per person are checked on it; sealed at rest, never returned. */
  idNumber: ZIdNumber,
  /** The post, e.g. 护林员. */
  post: safeText().trim().min(1).max(40),
  monthlyWage: z.number().positive().max(100_000),
  /** Months (≤ 12). */
  termMonths: z.number().int().positive().max(12),
  /** Which member holds it (a relation such as 户主), no name. */
  member: safeText().trim().max(20).optional(),
  processId: safeText().regex(/^[A-Za-z0-9_-]{3,80}$/, 'letters, digits, _ or -').optional(),
}).strict();
export const ZApplyWelfareJobResponseSchema = z.object({ started: z.boolean(), process: ZProcessDetail });

/** POST /api/welfare-jobs/:id/exit — 提前退出. */
export const ZWelfareJobExitSchema = z.object({
  /** Why the holder leaves (辞职, 外出务工, 不再符合条件 …); no names or ID numbers. */
  reason: safeText().trim().min(1).max(1000),
}).strict();

/** POST /api/welfare-jobs/:id/objections — 公示异议. */
export const ZWelfareJobObjectionSchema = z.object({ text: safeText().trim().min(1).max(1000) }).strict();

/** GET /api/welfare-jobs/figures */
export const ZWelfareJobFiguresResponseSchema = z.object({
  townships: z.array(z.object({
    townshipCode: z.string(), townshipName: z.string(), postsFilled: z.number(), jobs: z.number(), monthsConfirmed: z.number(), monthsLate: z.number(), onTimeRate: z.number(),
    /** This year's quota (null when none is set) and whether the township announced it. */
    quota: z.number().nullable(), announced: z.boolean(),
  })),
});

const ZTownshipCode = safeText().regex(/^\d{12}$/, 'a 12-digit township code');
const ZYear = z.number().int().min(2000).max(2100);

/** POST /api/welfare-jobs/quotas — 公益岗位指标, set by the county for a year. */
export const ZSetWelfareJobQuotasSchema = z.object({
  year: ZYear,
  townships: z.array(z.object({
    townshipCode: ZTownshipCode,
    /** Posts for the year (0 closes the township's applications). */
    posts: z.number().int().min(0).max(100_000),
    /** Post names, e.g. 护林员, 保洁员. */
    postNames: z.array(safeText().trim().min(1).max(40)).max(50).optional(),
  }).strict()).min(1).max(500).refine((a) => new Set(a.map((t) => t.townshipCode)).size === a.length, 'each township once'),
}).strict();
export const ZTownshipQuotaSchema = z.object({
  year: z.number(), townshipCode: z.string(), posts: z.number(), postNames: z.array(z.string()), announcedOn: z.string().nullable(), announcementText: z.string().nullable(),
});
export const ZSetWelfareJobQuotasResponseSchema = z.object({ quotas: z.array(ZTownshipQuotaSchema) });

/** POST /api/welfare-jobs/quotas/:townshipCode/announce — 乡镇公告. */
export const ZTownshipCodeParam = z.object({ townshipCode: ZTownshipCode });
export const ZAnnounceWelfareJobQuotaSchema = z.object({
  year: ZYear,
  /** The day of the announcement (YYYY-MM-DD). */
  announcedOn: z.iso.date(),
  /** The announcement's text (where and what posts); no personal data. */
  text: safeText().trim().min(1).max(2000),
}).strict();

/**
 * 公益岗位 route: POST /api/welfare-jobs (apply through the village) and GET /api/welfare-jobs/figures. A job's tasks are decided
 * through POST /api/tasks/:id/decision; jobs are listed with GET /api/processes?kind=PUBLIC_WELFARE_JOB.
 */
import { defineRoute, ZIdParam } from '../../http/define-route';
import { ZProcessDetail } from '../processes/processes.types';
import { WELFARE_JOB_EXIT_ROLES, exitWelfareJob, fileWelfareJobObjection } from '../../services/welfare-job-actions';
import type { ServiceContext } from '../../services/context';
import { applyForWelfareJob } from '../../services/apply-welfare-job';
import { getProcess } from '../../services/get-process';
import { welfareJobFigures } from '../../services/welfare-job-figures';
import { QUOTA_ANNOUNCER_ROLES, QUOTA_SETTER_ROLES, announceWelfareJobQuota, setWelfareJobQuotas } from '../../services/welfare-job-quota';
import { ZAnnounceWelfareJobQuotaSchema, ZSetWelfareJobQuotasResponseSchema, ZSetWelfareJobQuotasSchema, ZTownshipCodeParam, ZTownshipQuotaSchema, ZApplyWelfareJobRequestSchema, ZApplyWelfareJobResponseSchema, ZWelfareJobExitSchema, ZWelfareJobFiguresResponseSchema, ZWelfareJobObjectionSchema } from './welfare-jobs.types';

export const welfareJobRoutes = (ctx: ServiceContext) => [
  defineRoute({
    method: 'post', path: '/api/welfare-jobs', summary: 'Apply for a public-welfare job (公益岗位) for a member of a household', tags: ['welfare-jobs'],
    description: 'Starts a job: village review → township approval → notice (10 days) → agreement (≤ 1 year) → an IMPLEMENTED PUBLIC_WELFARE_JOB measure '
      + 'on the household\'s open case → a monthly attendance and wage confirmation for the village (due the 10th of the next month; late ones are '
      + 'escalated to the township, then the county; an unpaid month goes to the township) → renewal or exit. Age and one post per person are checked '
      + 'on the ID number (422 naming idNumber), which is sealed at rest and never returned.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    body: ZApplyWelfareJobRequestSchema, response: ZApplyWelfareJobResponseSchema,
    handler: async ({ body, req, res }) => {
      const r = await applyForWelfareJob(ctx, req.official!, body);
      if (!r.started) res.locals.status = 200;
      return { started: r.started, process: await getProcess(ctx, req.official!, r.processId) };
    },
  }),
  defineRoute({
    method: 'post', path: '/api/welfare-jobs/:id/exit', summary: 'Record an early exit from a public-welfare job (提前退出) with its reason', tags: ['welfare-jobs'],
    description: 'Only while the holder is in post (409 otherwise). The job ends EXITED, its open tasks (monthly confirmation, wage arrears) are cancelled, '
      + 'and the PUBLIC_WELFARE_JOB measure on the household\'s case is marked ended, as at the end of the term. The reason carries no personal data.',
    roles: WELFARE_JOB_EXIT_ROLES,
    params: ZIdParam, body: ZWelfareJobExitSchema, response: ZProcessDetail,
    handler: async ({ params, body, req }) => {
      await exitWelfareJob(ctx, req.official!, params.id, body.reason);
      return getProcess(ctx, req.official!, params.id);
    },
  }),
  defineRoute({
    method: 'post', path: '/api/welfare-jobs/:id/objections', summary: 'Object to a public-welfare job during its notice (公示异议)', tags: ['welfare-jobs'],
    description: 'Only during the 10-day notice (409 otherwise). Opens an investigation task for the township; the notice ends only when every objection '
      + 'is investigated: dismissed, the agreement follows; upheld, the application is rejected.',
    roles: ['VILLAGE', 'TOWNSHIP', 'COUNTY', 'ADMIN'], status: 201,
    params: ZIdParam, body: ZWelfareJobObjectionSchema, response: ZProcessDetail,
    handler: async ({ params, body, req }) => {
      await fileWelfareJobObjection(ctx, req.official!, params.id, body.text);
      return getProcess(ctx, req.official!, params.id);
    },
  }),
  defineRoute({
    method: 'post', path: '/api/welfare-jobs/quotas', summary: 'Set the public-welfare posts per township for a year (公益岗位指标)', tags: ['welfare-jobs'],
    description: 'The county sets, per township of its county, the number of posts for the year and optionally their names; sending it again replaces them. '
      + 'Once a township has a quota for the current year, its villages may apply only after the township announced it and while its open jobs are fewer '
      + 'than the quota (422 naming caseId); a township without a quota applies as before.',
    roles: QUOTA_SETTER_ROLES,
    body: ZSetWelfareJobQuotasSchema, response: ZSetWelfareJobQuotasResponseSchema,
    handler: async ({ body, req }) => ({ quotas: await setWelfareJobQuotas(ctx, req.official!, body.year, body.townships) }),
  }),
  defineRoute({
    method: 'post', path: '/api/welfare-jobs/quotas/:townshipCode/announce', summary: 'Record the township\'s announcement of its public-welfare posts (乡镇公告)', tags: ['welfare-jobs'],
    description: 'The township (or the county above it) records the day and text of its announcement of the year\'s quota (404 when none is set); applications open then.',
    roles: QUOTA_ANNOUNCER_ROLES,
    params: ZTownshipCodeParam, body: ZAnnounceWelfareJobQuotaSchema, response: ZTownshipQuotaSchema,
    handler: ({ params, body, req }) => announceWelfareJobQuota(ctx, req.official!, params.townshipCode, body),
  }),
  defineRoute({
    method: 'get', path: '/api/welfare-jobs/figures', summary: 'Public-welfare job figures per township: posts filled, months confirmed, months late, on-time rate', tags: ['welfare-jobs'],
    response: ZWelfareJobFiguresResponseSchema,
    handler: ({ req }) => welfareJobFigures(ctx, req.official!),
  }),
];

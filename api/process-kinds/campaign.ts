/**
 * 集中排查 (SCREENING_CAMPAIGN) — a county's screening campaign: grid workers visit every household,
 * villages record their meeting and close their ledgers, townships review with a sample check,
 * the county reads the summary.
 */
import { z } from 'zod';
import { safeText } from '../../core/text';
import { CAMPAIGN_KIND, CAMPAIGN_STEPS } from '../../workflows/campaign/contracts';
import type { ProcessKindDef } from './types';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const DATE = safeText().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The village's meeting record (会议记录) that closes its ledger. */
export const ZLedgerCloseSchema = z.object({
  meetingOn: DATE,
  attendees: z.number().int().min(1).max(1000),
  minutes: safeText().trim().min(1).max(4000),
}).strict();

const VILLAGE_CODE = z.string().regex(/^\d{12}$/, 'a 12-digit village code');

/**
 * The township's review: households of the sample checked, discrepancies found, notes; to return
 * (退回) it names the villages that must re-check (a list, or codes separated by commas or spaces
 * as the link's form sends them) and whether their grids must visit again.
 */
export const ZTownshipReviewSchema = z.object({
  checked: z.number().int().min(0).max(100_000),
  discrepancies: z.number().int().min(0).max(100_000),
  notes: safeText().trim().max(2000).optional(),
  returnVillages: z.union([
    z.array(VILLAGE_CODE).min(1).max(100),
    safeText().trim().max(2000).transform((s) => s.split(/[\s,，、;；]+/).filter(Boolean)).pipe(z.array(VILLAGE_CODE).min(1).max(100)),
  ]).optional(),
  recheckGrids: z.boolean().optional(),
}).strict();

/** The 集中排查 kind. */
export const SCREENING_CAMPAIGN: ProcessKindDef = {
  kind: CAMPAIGN_KIND,
  label: b('集中排查', 'Screening campaign'),
  steps: {
    [CAMPAIGN_STEPS.GRID]: {
      label: b('网格入户排查', 'Visit every household of the grid'),
      help: b('请逐户走访本网格所有农户（不只是脱贫户），在网格员页面逐户记录结果：无风险／发现风险（启动监测识别）／已纳入监测／不在家（截止前再次走访）。全部农户有结果后提交本网格。',
        'Visit every household of your grid (not only lifted ones) and record each result on the grid page: no risk / risk found (starts an identification) / already monitored / not at home (revisit before the deadline). Submit the grid once every household has a result.'),
      level: 'VILLAGE',
      actions: [{ action: 'DONE', label: b('提交本网格排查结果', 'Submit the grid') }],
      data: z.object({}).strict(),
      fields: [],
    },
    [CAMPAIGN_STEPS.LEDGER]: {
      label: b('村级会议与排查台账', 'Village meeting and ledger'),
      help: b('全村农户均有排查结果后，召开村级会议研究排查情况，记录会议日期、参会人数和会议纪要，并关闭本村排查台账。', 'Once every household of the village has a result, hold the village meeting on the screening, record its date, attendees and minutes, and close the village ledger.'),
      level: 'VILLAGE',
      actions: [{ action: 'DONE', label: b('记录会议并关闭台账', 'Record the meeting and close the ledger') }],
      data: ZLedgerCloseSchema,
      fields: [
        { name: 'meetingOn', type: 'date', label: b('会议日期', 'Meeting date'), required: true },
        { name: 'attendees', type: 'number', label: b('参会人数', 'Attendees'), required: true },
        { name: 'minutes', type: 'textarea', label: b('会议纪要', 'Minutes'), required: true, maxLength: 4000 },
      ],
    },
    [CAMPAIGN_STEPS.REVIEW]: {
      label: b('乡镇审核（抽查）', 'Township review (sample check)'),
      help: b('审核各村排查覆盖情况，并对随机抽取的农户入户核查，记录核查户数、不一致户数和情况说明。', 'Review the villages\' coverage and visit the randomly drawn households; record how many were checked, discrepancies found, and notes.'),
      level: 'TOWNSHIP',
      actions: [{ action: 'APPROVE', label: b('审核通过', 'Pass the review') }, { action: 'RETURN', label: b('退回村重新排查', 'Return to the village(s) to re-check') }],
      data: ZTownshipReviewSchema,
      fields: [
        { name: 'checked', type: 'number', label: b('抽查户数', 'Households checked'), required: true },
        { name: 'discrepancies', type: 'number', label: b('结果不一致户数', 'Discrepancies'), required: true },
        { name: 'notes', type: 'textarea', label: b('情况说明', 'Notes'), maxLength: 2000 },
        {
          name: 'returnVillages', type: 'text', label: b('退回的村（村代码）', 'Villages to return (village codes)'), maxLength: 2000,
          help: b('仅退回时填写，多个村用逗号分隔；退回须填写退回原因。', 'Only to return; separate several villages by commas. A return needs its reason.'),
        },
        { name: 'recheckGrids', type: 'checkbox', label: b('网格须重新入户核查（如抽查发现农户结果有误）', 'The grids must visit again (e.g. a household was wrongly marked)') },
      ],
    },
    [CAMPAIGN_STEPS.SUMMARY]: {
      label: b('县级汇总', 'County summary'),
      help: b('审阅全县排查汇总（各村覆盖、发现风险、零发现村名单）并确认。', 'Read the county summary (coverage per village, risks found, villages with zero findings) and confirm.'),
      level: 'COUNTY',
      actions: [{ action: 'DONE', label: b('确认汇总', 'Confirm the summary') }],
      data: z.object({ notes: safeText().trim().max(2000).optional() }).strict(),
      fields: [{ name: 'notes', type: 'textarea', label: b('意见', 'Notes'), maxLength: 2000 }],
    },
  },
  statuses: {
    SCREENING: b('排查中', 'Screening'), REVIEWING: b('乡镇审核中', 'Township review'), SUMMARY: b('县级汇总', 'County summary'), COMPLETED: b('已完成', 'Completed'),
  },
  auditActions: {
    CAMPAIGN_LAUNCHED: b('发起集中排查', 'Campaign launched'),
    VISIT_RECORDED: b('记录入户排查结果', 'Visit recorded'),
    GRID_SUBMITTED: b('网格排查已提交', 'Grid submitted'),
    MEETING_RECORDED: b('村级会议已记录', 'Village meeting recorded'),
    LEDGER_CLOSED: b('村排查台账已关闭', 'Village ledger closed'),
    SAMPLE_DRAWN: b('已随机抽取核查农户', 'Sample drawn for the check visit'),
    REVIEW_PASSED: b('乡镇审核通过', 'Township review passed'),
    REVIEW_RETURNED: b('乡镇审核退回，村重新排查', 'Township review returned for a re-check'),
    LEDGER_REOPENED: b('村排查台账已重新打开', 'Village ledger reopened'),
    SUMMARY_DRAWN: b('已生成县级汇总', 'County summary drawn'),
    SUMMARY_CONFIRMED: b('县级汇总已确认', 'County summary confirmed'),
    CAMPAIGN_COMPLETED: b('集中排查结束', 'Campaign completed'),
  },
};

/**
 * Refusals as a person would write them (拒绝说明): a zod issue becomes "户主姓名：必填" /
 * "headName: required" in the reader's language, naming the field and never echoing the value.
 */
import type { Request } from 'express';
import type { z } from 'zod';
import { RESIDENT_ID_MESSAGES } from '../../core/resident-id';
import type { ResidentIdProblem } from '../../core/resident-id';
import { TEXT_PROBLEM_MESSAGES } from '../../core/text';
import type { RefusalCode } from '../../workflows/refusals';
import type { TextProblem } from '../../core/text';

/** Languages of refusals (the same as the pages'). */
export type MessageLang = 'zh-CN' | 'en';

/**
 * Language of an API caller: `?lang=`, then the first supported language of `Accept-Language`;
 * English for machines that send neither (curl, scripts), Chinese for a browser set to Chinese.
 */
export function apiLang(req: Request): MessageLang {
  const q = typeof req.query?.lang === 'string' ? req.query.lang : undefined;
  if (q === 'en' || q === 'zh-CN') return q;
  const header = req.get('accept-language') ?? '';
  const first = header.split(',').map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('zh') || p.startsWith('en'));
  return first?.startsWith('zh') ? 'zh-CN' : 'en';
}

/** Chinese names of input fields (the leaf key of a path), as officials call them. */
export const FIELD_LABELS_ZH: Record<string, string> = {
  leadRef: '线索编号', headName: '户主姓名', idNumber: '身份证号', phone: '联系电话', villageCode: '村代码', address: '住址',
  memberCount: '家庭人口', noLabour: '整户无劳动力', category: '监测对象类别', riskTypes: '风险类型', channel: '渠道',
  incomePerCapita: '人均纯收入', healthDetails: '健康情况', summary: '情况说明', contactId: '帮扶责任人编号',
  household: '家庭信息', reason: '理由', comment: '意见', text: '异议内容', description: '措施内容', memberName: '家庭成员姓名',
  type: '类型', status: '状态', implementedOn: '落实日期', contactedOn: '联系日期', method: '联系方式', note: '备注',
  action: '操作', consentSigned: '农户知情同意', route: '消除方式', criteria: '消除标准', toOfficialId: '接收人', id: '编号',
  measureId: '措施编号', page: '页码', pageSize: '每页条数', step: '环节', townshipCode: '乡镇代码', region: '区域代码',
  overdue: '是否逾期', openedFrom: '起始日期', openedTo: '截止日期', scope: '范围', q: '搜索内容', format: '格式',
  firstRow: '起始行号', raw: '原始事件', body: '请求内容', token: '令牌', transferReason: '转交理由', set: '统计口径',
  year: '年度', posts: '岗位数', postNames: '岗位名称', announcedOn: '公告日期', announcementText: '公告内容',
};

const TYPE_ZH: Record<string, string> = {
  string: '文本', number: '数字', int: '整数', boolean: '是/否', array: '列表', object: '对象', date: '日期',
};

/** Messages the schemas give in English, with their Chinese. */
const CUSTOM_ZH: Record<string, string> = {
  'must be a 12-digit village code': '应为 12 位村代码',
  'must be a phone number': '应为电话号码',
  'at least one risk type': '至少选择一种风险类型',
  'reason is required': '必填',
  'must be a 12-digit region code': '应为 12 位区划代码',
  'must be a whole number': '应为整数',
};

/** True when the value at `path` of `input` is missing (undefined, null or an empty string). */
function missingAt(input: unknown, path: readonly PropertyKey[]): boolean {
  let v: unknown = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return true;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The message of one issue (without the field), in `lang`. `input` is what was validated. */
export function issueMessage(issue: z.core.$ZodIssue, lang: MessageLang, input?: unknown): string {
  const zh = lang === 'zh-CN';
  const i = issue as z.core.$ZodIssue & Record<string, any>;
  const params = (i.params ?? {}) as { textProblem?: TextProblem; residentId?: ResidentIdProblem };
  if (params.textProblem) return TEXT_PROBLEM_MESSAGES[params.textProblem][lang];
  if (params.residentId) return RESIDENT_ID_MESSAGES[params.residentId][lang];
  const required = zh ? '必填' : 'required';
  if (i.code === 'invalid_type' && missingAt(input, i.path)) return required;
  if (i.code === 'too_small' && i.origin === 'string' && Number(i.minimum) === 1 && missingAt(input, i.path)) return required;
  if (CUSTOM_ZH[i.message] !== undefined) return zh ? CUSTOM_ZH[i.message] : i.message;
  switch (i.code) {
    case 'invalid_type':
      return zh ? `应为${TYPE_ZH[i.expected] ?? i.expected}` : `must be ${/^[aeiou]/.test(String(i.expected)) ? 'an' : 'a'} ${i.expected}`;
    case 'too_small': {
      const n = Number(i.minimum);
      if (i.origin === 'string') return zh ? `至少 ${n} 个字符` : `must have at least ${plural(n, 'character')}`;
      if (i.origin === 'array' || i.origin === 'set') return zh ? `至少 ${n} 项` : `must have at least ${plural(n, 'item')}`;
      return zh ? `不能小于 ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = Number(i.maximum);
      if (i.origin === 'string') return zh ? `最多 ${n} 个字符` : `must have at most ${plural(n, 'character')}`;
      if (i.origin === 'array' || i.origin === 'set') return zh ? `最多 ${n} 项` : `must have at most ${plural(n, 'item')}`;
      return zh ? `不能大于 ${n}` : `must be at most ${n}`;
    }
    case 'invalid_format':
      if (i.format === 'date') return zh ? '应为日期（YYYY-MM-DD）' : 'must be a date (YYYY-MM-DD)';
      if (i.format === 'datetime') return zh ? '应为时间（ISO 8601）' : 'must be a date and time (ISO 8601)';
      if (i.format === 'email') return zh ? '应为电子邮件地址' : 'must be an email address';
      return zh ? '格式不正确' : 'has the wrong format';
    case 'invalid_value': {
      const values = (i.values as unknown[]).map(String);
      const shown = values.slice(0, 12).join(zh ? '、' : ', ') + (values.length > 12 ? '…' : '');
      return zh ? `应为以下之一：${shown}` : `must be one of ${shown}`;
    }
    case 'not_multiple_of':
      return zh ? `应为 ${i.divisor} 的整数倍` : `must be a multiple of ${i.divisor}`;
    case 'unrecognized_keys':
      return zh ? `不认识的字段：${(i.keys as string[]).join('、')}` : `unknown field(s): ${(i.keys as string[]).join(', ')}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return zh ? '格式不正确' : 'is not valid';
    default:
      return zh ? '不正确' : i.message;
  }
}

/** The name of a field for the reader: the dotted path in English, the Chinese name of its leaf in Chinese. */
export function fieldName(path: readonly (string | number)[], lang: MessageLang): string {
  const parts = path.map(String);
  if (lang === 'zh-CN') {
    const leaf = [...parts].reverse().find((p) => !/^\d+$/.test(p));
    if (leaf && FIELD_LABELS_ZH[leaf]) return FIELD_LABELS_ZH[leaf];
  }
  return parts.join('.') || (lang === 'zh-CN' ? '请求内容' : 'body');
}

/** "户主姓名：必填" / "headName: required". */
export function refusal(field: string, message: string, lang: MessageLang): string {
  return lang === 'zh-CN' ? `${field}：${message}` : `${field}: ${message}`;
}

const b = (zh: string, en: string): Record<MessageLang, string> => ({ 'zh-CN': zh, en });

/**
 * Refusals of the workflows' validators and of the services (拒绝办理), in the reader's words, one
 * sentence per {@link RefusalCode}. The JSON error keeps `error.code` and `details.refusal` for
 * machines; only `error.message` is worded for the reader.
 */
export const REFUSAL_TEXT: Record<RefusalCode, Record<MessageLang, string>> = {
  TASK_NOT_OPEN: b('此待办已办结或不存在。', 'This task is no longer open.'),
  WRONG_LEVEL: b('此待办须由其他层级办理。', 'This task is decided at another level.'),
  NOT_ASSIGNEE: b('此待办不属于您。', 'This task is not yours.'),
  ALREADY_DECIDED: b('此待办已经办理过。', 'This task has already been decided.'),
  REASON_REQUIRED: b('驳回或退回时必须填写理由。', 'A reason is required to reject or return.'),
  ACTION_NOT_ALLOWED: b('此环节不能进行该操作。', 'That action is not possible at this step.'),
  CONSENT_REQUIRED: b('核实通过前，须确认农户已签署承诺授权书。', "Confirm the household's signed consent before approving."),
  TOO_EARLY: b('尚未到可以消除风险的时间。', 'Elimination is not allowed yet.'),
  NO_IMPLEMENTED_MEASURE: b('至少须有一项已落实的帮扶措施。', 'At least one measure must be implemented.'),
  NO_LABOUR_HOUSEHOLD: b('整户无劳动力的家庭不标记风险消除，继续纳入兜底保障。', 'A household without any working capacity is never marked eliminated.'),
  CRITERIA_NOT_MET: b('风险消除的各项标准须全部满足。', 'Every elimination criterion must hold.'),
  WRONG_STATE: b('案件当前状态不允许此操作。', 'The case does not allow this now.'),
  NOT_FOUND: b('找不到该记录。', 'No such record.'),
  DUPLICATE: b('该记录已存在。', 'This record already exists.'),
  INVALID_DATE: b('日期无效（不能是将来的日期）。', 'The date is invalid (it cannot be in the future).'),
  WRONG_COLLEAGUE: b('只能转交给本级、本辖区的其他同事。', 'Transfer only to another official of the same level and region.'),
  ROLLBACK_WINDOW_PASSED: b('已超过风险消除回退的期限。', 'The window for rolling back the elimination has ended.'),
  BAD_DATA: b('数据包含无法保存的字符。', 'The data contains characters that cannot be stored.'),
};

/**
 * The message of an error for the reader: a typed refusal (`details.refusal`) to a Chinese reader as
 * its sentence in {@link REFUSAL_TEXT}, prefixed by the field's Chinese name when it names one; to an
 * English reader the refusal's own message (it names the field and says which task or date); any
 * other error's message as its thrower worded it.
 */
export function appErrorMessage(err: { message: string; field?: string; details?: Record<string, unknown> }, lang: MessageLang): string {
  const code = err.details?.refusal;
  const text = typeof code === 'string' ? (REFUSAL_TEXT as Record<string, Record<MessageLang, string>>)[code] : undefined;
  if (!text || lang === 'en') return err.message;
  return err.field ? refusal(fieldName([err.field], lang), text[lang], lang) : text[lang];
}

/**
 * 网格员页面 — on the task link of a grid's screening task, the grid's households with their state
 * (unvisited, a result, not at home, an open case) and one tap per result; a risk found carries
 * the identification's category (pre-filled from the roster category) and its risk types — one or
 * several at once, as checkboxes (a household can be at risk through illness and schooling). Mobile-first,
 * plain forms, no JavaScript; posts to `/t/:token/visit` with the page's CSRF token, and the link
 * stays usable until the grid is submitted.
 */
import { z } from 'zod';
import { safeText } from '../../../core/text';
import { CATEGORIES, RISK_TYPES } from '../../../workflows/contracts';
import { VISIT_RESULTS } from '../../../workflows/campaign/contracts';
import type { LedgerRow } from '../../services/campaign/read-campaign';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';

const b = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const RESULT: Record<string, { 'zh-CN': string; en: string }> = {
  NO_RISK: b('无风险', 'No risk'), RISK_FOUND: b('发现风险', 'Risk found'), ALREADY_MONITORED: b('已纳入监测', 'Already monitored'), NOT_HOME: b('不在家（待复访）', 'Not at home (revisit)'),
};
const CATEGORY: Record<string, { 'zh-CN': string; en: string }> = { LIFTED: b('脱贫户', 'Lifted'), ORDINARY: b('一般农户', 'Ordinary'), DIBAO: b('低保户', 'Dibao'), TEKUN: b('特困户', 'Tekun') };
const MONITOR_CATEGORY: Record<string, { 'zh-CN': string; en: string }> = {
  UNSTABLE_LIFTED: b('脱贫不稳定户', 'Unstable lifted'), MARGINAL: b('边缘易致贫户', 'Marginal'), SUDDEN_HARDSHIP: b('突发严重困难户', 'Sudden hardship'),
};
const RISK: Record<string, { 'zh-CN': string; en: string }> = {
  ILLNESS: b('因病', 'Illness'), DISABILITY: b('因残', 'Disability'), SCHOOLING: b('因学', 'Schooling'), DISASTER: b('因自然灾害', 'Disaster'), ACCIDENT: b('因意外事故', 'Accident'),
  BUSINESS_FAILURE: b('因产业项目失败', 'Business failure'), UNSTABLE_EMPLOYMENT: b('因务工就业不稳', 'Unstable employment'), NO_LABOUR: b('缺劳动力', 'No labour'),
  HOUSING: b('住房安全', 'Housing'), DRINKING_WATER: b('饮水安全', 'Drinking water'), OTHER: b('其他', 'Other'),
};

/**
 * The posted visit form. `riskTypes` comes once per ticked checkbox (one value or several); a risk
 * found needs at least one (checked by {@link riskTypesRefusal}), and an unknown type is refused.
 */
export const ZGridVisitFormSchema = z.object({
  csrf: safeText().optional(),
  householdId: safeText().regex(/^hh-[0-9a-f]{20}$/),
  result: z.enum(VISIT_RESULTS),
  category: z.enum(CATEGORIES).optional(),
  riskTypes: z.union([z.enum(RISK_TYPES), z.array(z.enum(RISK_TYPES)).max(RISK_TYPES.length)]).optional()
    .transform((v) => [...new Set(v === undefined ? [] : Array.isArray(v) ? v : [v])]),
}).strict();

/** Why a visit form's risk types are refused, or null: a risk found names at least one; other results name none. */
export function riskTypesRefusal(f: { result: string; riskTypes: string[] }, lang: Lang): string | null {
  if (f.result === 'RISK_FOUND' && f.riskTypes.length === 0) return lang === 'zh-CN' ? '风险类型（riskTypes）：发现风险时请至少勾选一种风险类型' : 'riskTypes: tick at least one risk type for a risk found';
  if (f.result !== 'RISK_FOUND' && f.riskTypes.length > 0) return lang === 'zh-CN' ? '风险类型（riskTypes）：只有"发现风险"才填写风险类型' : 'riskTypes: only a risk found names risk types';
  return null;
}

/** The grid's households card with one form per result. */
export function gridHouseholdsCard(lang: Lang, rows: LedgerRow[], form: { action: string; csrf: string }): SafeHtml {
  const settled = rows.filter((r) => r.result && r.result !== 'NOT_HOME').length;
  const button = (r: LedgerRow, result: string, secondary = true) => html`<form method="post" action="${form.action}" class="inline">
<input type="hidden" name="csrf" value="${form.csrf}"><input type="hidden" name="householdId" value="${r.householdId}"><input type="hidden" name="result" value="${result}">
<button type="submit"${secondary ? html` class="secondary"` : ''}>${RESULT[result][lang]}</button></form>`;
  const item = (r: LedgerRow) => html`<li id="${r.householdId}"><div><strong>${r.headName}</strong> · ${CATEGORY[r.category]?.[lang] ?? r.category} · ${lang === 'zh-CN' ? `${r.memberCount}人` : `${r.memberCount} members`}</div>
<div class="muted">${r.result ? RESULT[r.result]?.[lang] ?? r.result : (lang === 'zh-CN' ? '未走访' : 'Not visited')}${r.visits > 1 ? (lang === 'zh-CN' ? `（走访${r.visits}次）` : ` (${r.visits} visits)`) : ''}${r.openCaseId ? html` · ${lang === 'zh-CN' ? '在监测' : 'open case'} ${r.openCaseId}` : ''}</div>
<div class="actions">${button(r, 'NO_RISK', false)}${button(r, 'NOT_HOME')}${r.openCaseId ? button(r, 'ALREADY_MONITORED') : ''}</div>
${r.openCaseId ? '' : html`<form method="post" action="${form.action}"><input type="hidden" name="csrf" value="${form.csrf}"><input type="hidden" name="householdId" value="${r.householdId}"><input type="hidden" name="result" value="RISK_FOUND">
<label for="c-${r.householdId}">${lang === 'zh-CN' ? '监测类别' : 'Category'}</label><select id="c-${r.householdId}" name="category">${CATEGORIES.map((c) => html`<option value="${c}"${c === (r.category === 'LIFTED' ? 'UNSTABLE_LIFTED' : 'MARGINAL') ? html` selected` : ''}>${MONITOR_CATEGORY[c][lang]}</option>`)}</select>
<fieldset><legend>${lang === 'zh-CN' ? '风险类型（可多选）' : 'Risk types (tick all that apply)'}</legend>${RISK_TYPES.map((t) => html`<label class="check" for="r-${r.householdId}-${t}"><input type="checkbox" id="r-${r.householdId}-${t}" name="riskTypes" value="${t}"> ${RISK[t][lang]}</label>`)}</fieldset>
<button type="submit" class="secondary">${lang === 'zh-CN' ? '发现风险，启动监测识别' : 'Risk found: start identification'}</button></form>`}</li>`;
  return html`<section class="card" aria-labelledby="hh"><h2 id="hh">${lang === 'zh-CN' ? `本网格农户（已有结果 ${settled}/${rows.length}）` : `Households of the grid (${settled}/${rows.length} settled)`}</h2>
<ol class="timeline">${rows.map(item)}</ol></section>`;
}

/** A household drawn for the township's check visit (抽查), as the review page lists it. */
export interface SampledHousehold {
  headName: string;
  villageCode: string;
  gridName: string;
  result: string | null;
}

/**
 * The township review's card: the households drawn for the check visit with the result the grid
 * recorded, and the township's villages in the campaign with their codes (a return names them).
 */
export function reviewSampleCard(lang: Lang, sampled: SampledHousehold[], villages: { code: string; name: string; closed: boolean }[]): SafeHtml {
  const zh = lang === 'zh-CN';
  return html`<section class="card" aria-labelledby="sample"><h2 id="sample">${zh ? `抽查农户（${sampled.length} 户）` : `Households drawn for the check visit (${sampled.length})`}</h2>
<ol class="timeline">${sampled.map((s) => html`<li data-sampled="${s.villageCode}"><strong>${s.headName}</strong> · ${villages.find((v) => v.code === s.villageCode)?.name ?? s.villageCode} · ${s.gridName} · ${zh ? '登记结果' : 'recorded'}：${s.result ? RESULT[s.result]?.[lang] ?? s.result : (zh ? '无' : 'none')}</li>`)}</ol>
<h3>${zh ? '本乡镇参与排查的村（退回时填写村代码）' : 'Villages of the township in the campaign (a return names their codes)'}</h3>
<ul>${villages.map((v) => html`<li data-village="${v.code}">${v.name} <code>${v.code}</code> · ${v.closed ? (zh ? '台账已关闭' : 'ledger closed') : (zh ? '台账未关闭' : 'ledger open')}</li>`)}</ul></section>`;
}

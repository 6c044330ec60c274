/**
 * /admin/cases/:id/handbook — the household's 帮扶手册 as a page (printable, no JavaScript) and
 * as a PDF (…/handbook/pdf), always built from the current read model. Personal data masked.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import type { Handbook } from '../../services/household-handbook';
import { householdHandbook } from '../../services/household-handbook';
import { resolveCjkFont } from '../../services/report-documents/cjk-font';
import { renderPdf } from '../../services/report-documents/report-pdf';
import { html } from '../html';
import type { Lang } from '../i18n';
import { AUDIT_LABELS, CATEGORY_LABELS, MEASURE_LABELS, RISK_LABELS, STATUS_LABELS, STEP_LABELS, beijingTime, label } from '../i18n';
import { adminPage } from './shell';

const tr = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);
const day = (iso: string | null | undefined): string => (iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10) : '—');
const MEASURE_STATUS: Record<string, [string, string]> = { PLANNED: ['计划', 'planned'], IMPLEMENTED: ['已落实', 'implemented'], CANCELLED: ['已取消', 'cancelled'] };

/** The handbook's sections as lines of text (page and PDF print the same). */
function sections(hb: Handbook, lang: Lang): { title: string; lines: string[] }[] {
  const c = hb.case;
  return [
    { title: tr(lang, '一、家庭基本情况', '1. Household'), lines: [
      `${tr(lang, '户主', 'Head')}: ${c.headName} · ${tr(lang, '身份证号', 'ID number')}: ${c.household.idNumberMasked}${c.household.phoneMasked ? ` · ${tr(lang, '电话', 'Phone')}: ${c.household.phoneMasked}` : ''}`,
      `${tr(lang, '住址', 'Lives in')}: ${hb.countyName} ${hb.townshipName} ${hb.villageName} · ${tr(lang, '家庭人口', 'Members')}: ${c.household.memberCount}${c.household.noLabour ? ` · ${tr(lang, '整户无劳动力', 'no working capacity')}` : ''}`,
      `${tr(lang, '监测类型', 'Category')}: ${label(CATEGORY_LABELS, c.category, lang)} · ${tr(lang, '风险类型', 'Risks')}: ${c.riskTypes.map((r) => label(RISK_LABELS, r, lang)).join('、')}`,
      `${tr(lang, '状态', 'Status')}: ${label(STATUS_LABELS, c.status, lang)} · ${tr(lang, '认定日期', 'Approved')}: ${day(c.approvedAt)}`,
    ] },
    { title: tr(lang, '二、帮扶责任人', '2. Assistance contact'), lines: hb.contact ? [`${hb.contact.name} · ${tr(lang, '自', 'since')} ${day(hb.contact.since)}`] : [tr(lang, '尚未明确', 'not yet named')] },
    { title: tr(lang, '三、帮扶措施', '3. Measures'), lines: c.measures.length === 0 ? [tr(lang, '暂无', 'none yet')] : c.measures.map((m) =>
      `${label(MEASURE_LABELS, m.type, lang)}: ${m.description}${m.memberName ? `（${m.memberName}）` : ''} · ${tr(lang, ...(MEASURE_STATUS[m.status] ?? [m.status, m.status]))}${m.implementedOn ? ` ${day(m.implementedOn)}` : ''}`) },
    { title: tr(lang, '四、走访记录', '4. Contact log'), lines: c.contacts.length === 0 ? [tr(lang, '暂无', 'none yet')] : c.contacts.map((x) =>
      `${day(x.contactedOn)} · ${hb.officialNames[x.officialId] ?? x.officialId} · ${x.method}${x.note ? ` · ${x.note}` : ''}`) },
    { title: tr(lang, '五、收入情况', '5. Income'), lines: [
      `${tr(lang, '人均纯收入（元/年）', 'Income per person (yuan/year)')}: ${c.incomePerCapita ?? '—'}`, ...(c.summary ? [`${tr(lang, '情况说明', 'Notes')}: ${c.summary}`] : []),
    ] },
    { title: tr(lang, '六、办理经过', '6. Case history'), lines: hb.history.map((e) =>
      `${beijingTime(e.at, lang)} · ${label(AUDIT_LABELS, e.action, lang)}${e.step ? ` · ${label(STEP_LABELS, e.step, lang)}` : ''}${e.comment ? ` · ${e.comment}` : ''}`) },
    { title: tr(lang, '七、帮扶成效户主确认', '7. The household confirms the results'), lines: [
      tr(lang, '户主对以上帮扶措施及成效的意见：', 'The household\'s view of the measures and results:'), ' ', tr(lang, '户主签字（按手印）：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日', 'Signature: ____________   Date: ____________'),
    ] },
  ];
}

/** GET /admin/cases/:id/handbook */
export function handbookPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const hb = await householdHandbook(ctx, req.official!, String(req.params.id));
    const id = encodeURIComponent(hb.case.id);
    const body = html`<p class="actions"><a class="button" id="handbook-pdf" href="/admin/cases/${id}/handbook/pdf">${tr(lang, '下载 PDF（可打印）', 'Download PDF (printable)')}</a><a class="button secondary" href="/admin/cases/${id}">${tr(lang, '返回案件', 'Back to the case')}</a></p>
${sections(hb, lang).map((s) => html`<section class="card"><h2>${s.title}</h2>${s.lines.map((l) => html`<p>${l}</p>`)}</section>`)}`;
    res.type('html').send(adminPage({ lang, req, official: req.official, csrf: res.locals.csrf, title: `${tr(lang, '帮扶手册', 'Assistance handbook')} · ${hb.case.headName}`, body }));
  };
}

/** GET /admin/cases/:id/handbook/pdf */
export function handbookPdf(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const hb = await householdHandbook(ctx, req.official!, String(req.params.id));
    const font = resolveCjkFont();
    if (!font) throw new AppError('UNAVAILABLE', 'no Chinese font on this server: install fonts-noto-cjk or set BANGFU_CJK_FONT');
    const title = `${tr(lang, '帮扶手册', 'Assistance handbook')} · ${hb.case.headName} · ${hb.villageName}`;
    const bytes = await renderPdf(font, (doc) => {
      doc.fontSize(16).text(title).moveDown(0.2).fontSize(8).fillColor('#333333').text(`${tr(lang, '生成于', 'Produced')} ${beijingTime(new Date(), lang)} · ${hb.case.id}`).fillColor('#000000');
      for (const s of sections(hb, lang)) {
        doc.moveDown(0.6).fontSize(12).text(s.title).fontSize(10);
        for (const l of s.lines) doc.text(l);
      }
    }, title);
    res.setHeader('Content-Disposition', `attachment; filename="handbook.pdf"; filename*=UTF-8''${encodeURIComponent(`${title}.pdf`)}`);
    res.type('application/pdf').send(bytes);
  };
}

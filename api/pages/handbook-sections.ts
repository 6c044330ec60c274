/**
 * 帮扶手册 sections — the household handbook as titled lines of text, and its PDF, shared by the
 * admin page (/admin/cases/:id/handbook) and the assistance contact's link page
 * (/t/:token/handbook), so both print the same handbook.
 */
import type { Handbook } from '../services/household-handbook';
import type { CjkFont } from '../services/report-documents/cjk-font';
import { renderPdf } from '../services/report-documents/report-pdf';
import type { Lang } from './i18n';
import { AUDIT_LABELS, CATEGORY_LABELS, MEASURE_LABELS, RISK_LABELS, STATUS_LABELS, STEP_LABELS, beijingTime, label } from './i18n';

const tr = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);
const day = (iso: string | null | undefined): string => (iso ? new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10) : '—');
const MEASURE_STATUS: Record<string, [string, string]> = { PLANNED: ['计划', 'planned'], IMPLEMENTED: ['已落实', 'implemented'], CANCELLED: ['已取消', 'cancelled'] };

/** The handbook's sections as lines of text (page and PDF print the same). */
export function handbookSections(hb: Handbook, lang: Lang): { title: string; lines: string[] }[] {
  const c = hb.case;
  return [
    { title: tr(lang, '一、家庭基本情况', '1. Household'), lines: [
      `${tr(lang, '户主', 'Head')}: ${c.headName} · ${tr(lang, '身份证号', 'ID number')}: ${c.household.idNumberMasked}${c.household.phoneMasked ? ` · ${tr(lang, '电话', 'Phone')}: ${c.household.phoneMasked}` : ''}`,
      `${tr(lang, '住址', 'Lives in')}: ${hb.countyName} ${hb.townshipName} ${hb.villageName} · ${tr(lang, '家庭人口', 'Members')}: ${c.household.memberCount}${c.household.noLabour ? ` · ${tr(lang, '整户无劳动力', 'no working capacity')}` : ''}`,
      `${tr(lang, '监测类型', 'Category')}: ${label(CATEGORY_LABELS, c.category, lang)} · ${tr(lang, '风险类型', 'Risks')}: ${c.riskTypes.map((r) => label(RISK_LABELS, r, lang)).join('、')}`,
      `${tr(lang, '状态', 'Status')}: ${label(STATUS_LABELS, c.status, lang)} · ${tr(lang, '认定日期', 'Approved')}: ${day(c.approvedAt)}`,
    ] },
    { title: tr(lang, '二、帮扶责任人', '2. Assistance contact'), lines: hb.contact ? [
      `${hb.contact.name} · ${tr(lang, '自', 'since')} ${day(hb.contact.since)}`,
      ...(hb.contactHistory.length > 1 ? [tr(lang, '变更记录：', 'Changes:'), ...hb.contactHistory.map((p) =>
        `${p.name} · ${day(p.since)} ${tr(lang, '起', 'from')}${p.until ? ` · ${tr(lang, '至', 'until')} ${day(p.until)}` : ` · ${tr(lang, '至今', 'to date')}`}${p.reason ? ` · ${tr(lang, '变更原因', 'reason')}: ${p.reason}` : ''}`)] : []),
    ] : [tr(lang, '尚未明确', 'not yet named')] },
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

/** The handbook's title. */
export function handbookTitle(hb: Handbook, lang: Lang): string {
  return `${tr(lang, '帮扶手册', 'Assistance handbook')} · ${hb.case.headName} · ${hb.villageName}`;
}

/** The handbook as a printable PDF. */
export function handbookPdfBytes(hb: Handbook, lang: Lang, font: CjkFont): Promise<Buffer> {
  const title = handbookTitle(hb, lang);
  return renderPdf(font, (doc) => {
    doc.fontSize(16).text(title).moveDown(0.2).fontSize(8).fillColor('#333333').text(`${tr(lang, '生成于', 'Produced')} ${beijingTime(new Date(), lang)} · ${hb.case.id}`).fillColor('#000000');
    for (const s of handbookSections(hb, lang)) {
      doc.moveDown(0.6).fontSize(12).text(s.title).fontSize(10);
      for (const l of s.lines) doc.text(l);
    }
  }, title);
}

/**
 * /admin/cases/:id/handbook — the household's 帮扶手册 as a page (printable, no JavaScript) and
 * as a PDF (…/handbook/pdf), always built from the current read model. Personal data masked.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../http/app-error';
import type { ServiceContext } from '../../services/context';
import { householdHandbook } from '../../services/household-handbook';
import { resolveCjkFont } from '../../services/report-documents/cjk-font';
import { handbookPdfBytes, handbookSections, handbookTitle } from '../handbook-sections';
import { html } from '../html';
import type { Lang } from '../i18n';
import { adminPage } from './shell';

const tr = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

/** GET /admin/cases/:id/handbook */
export function handbookPage(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang: Lang = res.locals.lang;
    const hb = await householdHandbook(ctx, req.official!, String(req.params.id));
    const id = encodeURIComponent(hb.case.id);
    const body = html`<p class="actions"><a class="button" id="handbook-pdf" href="/admin/cases/${id}/handbook/pdf">${tr(lang, '下载 PDF（可打印）', 'Download PDF (printable)')}</a><a class="button secondary" href="/admin/cases/${id}">${tr(lang, '返回案件', 'Back to the case')}</a></p>
${handbookSections(hb, lang).map((s) => html`<section class="card"><h2>${s.title}</h2>${s.lines.map((l) => html`<p>${l}</p>`)}</section>`)}`;
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
    const bytes = await handbookPdfBytes(hb, lang, font);
    res.setHeader('Content-Disposition', `attachment; filename="handbook.pdf"; filename*=UTF-8''${encodeURIComponent(`${handbookTitle(hb, lang)}.pdf`)}`);
    res.type('application/pdf').send(bytes);
  };
}

/**
 * The household summary and case timeline on task-link pages. Names are masked as public notices
 * (公示) do; the household's ID number, phone, address, bank details and the case's health details
 * are never read here (see the `select`s).
 */
import type { PrismaClient } from '@prisma/client';
import type { SafeHtml } from '../html';
import { html } from '../html';
import type { Lang } from '../i18n';
import { AUDIT_LABELS, CATEGORY_LABELS, CHANNEL_LABELS, RISK_LABELS, STATUS_LABELS, STEP_LABELS, beijingTime, label, tr } from '../i18n';
import { maskName } from '../../services/mask';
import { S } from './strings';

/** What the pages show of a case. */
export interface CaseView {
  caseNo: string;
  status: string;
  step: string | null;
  headNameMasked: string;
  memberCount: number;
  village: { name: string; nameEn: string | null } | null;
  category: string;
  riskTypes: string[];
  channel: string;
  incomePerCapita: number | null;
  openedAt: Date;
  events: { at: Date; action: string; step: string | null; actorName: string | null; comment: string | null }[];
}

/** Loads the view of a case (no personal data beyond the masked head name). */
export async function loadCaseView(prisma: PrismaClient, caseId: string): Promise<CaseView> {
  const c = await prisma.case.findUniqueOrThrow({
    where: { id: caseId },
    select: {
      caseNo: true, status: true, step: true, villageCode: true, category: true, riskTypes: true, channel: true, incomePerCapita: true, openedAt: true,
      household: { select: { headName: true, memberCount: true } },
    },
  });
  const village = await prisma.region.findUnique({ where: { code: c.villageCode }, select: { name: true, nameEn: true } });
  const events = await prisma.auditEvent.findMany({
    where: { caseId, action: { notIn: ['TASK_OPENED', 'REMINDER_SENT', 'STEP_STARTED'] } },
    orderBy: [{ at: 'asc' }, { id: 'asc' }], take: 200,
    select: { at: true, action: true, step: true, actorId: true, comment: true },
  });
  const actorIds = [...new Set(events.map((e) => e.actorId).filter((x): x is string => !!x))];
  const actors = new Map((await prisma.official.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((o) => [o.id, o.name]));
  return {
    caseNo: c.caseNo, status: c.status, step: c.step, headNameMasked: maskName(c.household.headName), memberCount: c.household.memberCount,
    village, category: c.category, riskTypes: c.riskTypes, channel: c.channel, incomePerCapita: c.incomePerCapita, openedAt: c.openedAt,
    events: events.map((e) => ({ at: e.at, action: e.action, step: e.step, actorName: e.actorId ? (actors.get(e.actorId) ?? null) : null, comment: e.comment })),
  };
}

/** The household card. */
export function renderSummary(v: CaseView, lang: Lang): SafeHtml {
  const villageName = v.village ? (lang === 'en' ? (v.village.nameEn ?? v.village.name) : v.village.name) : '—';
  const rows: [string, string][] = [
    [tr(lang, S.caseNo), v.caseNo],
    [tr(lang, S.head), v.headNameMasked],
    [tr(lang, S.village), villageName],
    [tr(lang, S.members), String(v.memberCount)],
    [tr(lang, S.category), label(CATEGORY_LABELS, v.category, lang)],
    [tr(lang, S.risks), v.riskTypes.map((r) => label(RISK_LABELS, r, lang)).join(lang === 'zh-CN' ? '、' : ', ')],
    [tr(lang, S.channel), label(CHANNEL_LABELS, v.channel, lang)],
    ...(v.incomePerCapita !== null ? [[tr(lang, S.income), String(v.incomePerCapita)] as [string, string]] : []),
    [tr(lang, S.status), label(STATUS_LABELS, v.status, lang)],
    ...(v.step ? [[tr(lang, S.step), label(STEP_LABELS, v.step, lang)] as [string, string]] : []),
    [tr(lang, S.openedAt), beijingTime(v.openedAt, lang)],
  ];
  return html`<section class="card" aria-labelledby="hh"><h2 id="hh">${tr(lang, S.household)}</h2>
<dl>${rows.map(([k, val]) => html`<dt>${k}</dt><dd>${val}</dd>`)}</dl></section>`;
}

/** The timeline card. */
export function renderTimeline(v: CaseView, lang: Lang): SafeHtml {
  return html`<section class="card" aria-labelledby="tl"><h2 id="tl">${tr(lang, S.timeline)}</h2>
${v.events.length === 0 ? html`<p class="muted">${tr(lang, S.noTimeline)}</p>` : html`<ol class="timeline">${v.events.map(
    (e) => html`<li><div><strong>${label(AUDIT_LABELS, e.action, lang)}</strong>${e.step ? html` · ${label(STEP_LABELS, e.step, lang)}` : ''}</div>
<div class="muted">${beijingTime(e.at, lang)}${e.actorName ? html` · ${e.actorName}` : ''}</div>${e.comment ? html`<div>${e.comment}</div>` : ''}</li>`,
  )}</ol>`}</section>`;
}

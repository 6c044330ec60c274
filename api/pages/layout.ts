/**
 * The page shell shared by task-link and admin pages: mobile-first (readable at 360 px), no
 * JavaScript, accessible (landmarks, labels, visible focus, AA contrast), with a language switch.
 */
import type { Lang } from './i18n';
import type { SafeHtml } from './html';
import { html, raw } from './html';

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f4f5f7}
header{background:#8b1a1a;color:#fff;padding:.6rem 1rem;display:flex;justify-content:space-between;align-items:center;gap:.5rem;flex-wrap:wrap}
header a{color:#fff}
header .brand{font-weight:700;text-decoration:none}
main{max-width:56rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.4rem 0 1rem}
h2{font-size:1.1rem;margin:1.2rem 0 .5rem}
.card{background:#fff;border:1px solid #d9dce1;border-radius:8px;padding:1rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr;gap:.3rem .8rem;margin:0}
dt{color:#4a4f57}
dd{margin:0}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.45rem .4rem;border-bottom:1px solid #e3e5e8;vertical-align:top}
.table-wrap{overflow-x:auto}
label{display:block;font-weight:600;margin:.8rem 0 .3rem}
input,select,textarea{width:100%;font:inherit;padding:.6rem;border:1px solid #8a9099;border-radius:6px;background:#fff;color:#1a1a1a}
textarea{min-height:6rem}
button,.button{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.1rem;border-radius:6px;border:2px solid #8b1a1a;background:#8b1a1a;color:#fff;cursor:pointer;text-decoration:none;min-height:44px}
button.secondary,.button.secondary{background:#fff;color:#8b1a1a}
.actions{display:flex;flex-wrap:wrap;gap:.6rem;margin-top:1rem}
:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}
.notice{border-left:4px solid #1f5fbf;background:#eef3fb;padding:.7rem 1rem;border-radius:4px}
.warn{border-left-color:#a35200;background:#fff4e5}
.error{border-left-color:#b3261e;background:#fdecea}
.ok{border-left-color:#1e7a34;background:#e8f5ec}
.muted{color:#4a4f57;font-size:.92rem}
.timeline{list-style:none;padding:0;margin:0}
.timeline li{border-left:3px solid #c9ccd1;padding:.2rem 0 .7rem .8rem;margin-left:.3rem}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;background:#e3e5e8;font-size:.85rem}
.badge.overdue{background:#fdecea;color:#8a1c14}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
`;

/** Options of {@link page}. */
export interface PageOptions {
  lang: Lang;
  title: string;
  body: SafeHtml;
  /** Path and query of this page without `lang`, for the language switch. */
  selfPath?: string;
  /** Extra header links (admin navigation). */
  nav?: SafeHtml;
}

/** Renders a full HTML document. */
export function page(o: PageOptions): string {
  const other: Lang = o.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const sep = o.selfPath?.includes('?') ? '&' : '?';
  const switchHref = o.selfPath ? `${o.selfPath}${sep}lang=${other}` : `?lang=${other}`;
  return html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · 帮扶 Bangfu</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${o.lang === 'zh-CN' ? '跳到正文' : 'Skip to content'}</a>
<header><a class="brand" href="/">帮扶 Bangfu</a>${o.nav ?? ''}<a href="${switchHref}" lang="${other}">${other === 'en' ? 'English' : '中文'}</a></header>
<main id="main">
<h1>${o.title}</h1>
${o.body}
</main>
</body>
</html>`.value;
}

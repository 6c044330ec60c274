/**
 * Task-link pages over plain HTTP (what a browser without JavaScript does): GET a link, read its
 * form, POST it back.
 */

export interface PageResult {
  status: number;
  html: string;
  location: string | null;
}

/** GET a page without following redirects. */
export async function getPage(url: string): Promise<PageResult> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

/** The CSRF token of the first form on a page. */
export function csrfOf(html: string): string {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no csrf field on the page');
  return m[1];
}

/** POST a form (urlencoded) without following redirects. */
export async function postForm(url: string, fields: Record<string, string>): Promise<PageResult> {
  const res = await fetch(url, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, html: await res.text(), location: res.headers.get('location') };
}

/** Text of a page without tags (for assertions). */
export function textOf(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/**
 * GET/POST /admin/login and POST /admin/logout: exchanging an API token for a session cookie.
 */
import type { RequestHandler } from 'express';
import type { ServiceContext } from '../../services/context';
import { authThrottle } from '../../http/auth-throttle';
import { html } from '../html';
import type { Lang } from '../i18n';
import { adminLang, adminPage } from './shell';
import { w } from './labels';
import {
  LOGIN_COOKIE, clearSessionCookie, endSession, issueLoginNonce, loginWithToken, newSession, openSession, parseCookies,
  recordSession, sealSession, setSessionCookie, SESSION_COOKIE,
} from './session';

/** Only admin paths are followed after login (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/admin(\/|\?|$)/.test(next) && !next.startsWith('//') ? next : '/admin';
}

function loginBody(lang: Lang, nonce: string, next: string, failed: boolean): ReturnType<typeof html> {
  return html`${failed ? html`<p class="notice error" role="alert">${w(lang, 'loginFailed')}</p>` : ''}
<form class="card" method="post" action="/admin/login">
<p class="muted">${w(lang, 'tokenHint')}</p>
<label for="token">${w(lang, 'token')}</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<input type="hidden" name="next" value="${next}">
<input type="hidden" name="_login" value="${nonce}">
<div class="actions"><button type="submit">${w(lang, 'signIn')}</button></div>
</form>`;
}

export function loginPage(): RequestHandler {
  return (req, res) => {
    const lang = adminLang(req, res);
    const nonce = issueLoginNonce(req, res);
    res.type('html').send(adminPage({ lang, req, title: w(lang, 'login'), body: loginBody(lang, nonce, safeNext(req.query.next), false) }));
  };
}

export function loginSubmit(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const lang = adminLang(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const nonce = parseCookies(req.headers.cookie)[LOGIN_COOKIE];
    const token = typeof body.token === 'string' ? body.token : '';
    const throttle = authThrottle(ctx.prisma, ctx.authThrottle);
    const address = req.ip ?? 'unknown';
    const tooMany = (seconds: number): void => {
      res.setHeader('Retry-After', String(seconds));
      const text = lang === 'en' ? `Too many failed sign-ins from this address. Try again in ${seconds} seconds.` : `此地址登录失败次数过多，请 ${seconds} 秒后再试。`;
      res.status(429).type('html').send(adminPage({ lang, req, title: w(lang, 'login'), body: html`<p class="notice error" role="alert">${text}</p>` }));
    };
    const blocked = await throttle.blocked(address);
    if (blocked !== null) return tooMany(blocked);
    const result = nonce && body._login === nonce && token ? await loginWithToken(ctx.prisma, token) : 'UNKNOWN_TOKEN';
    if (typeof result === 'string') {
      const wait = await throttle.fail(address);
      if (wait !== null) return tooMany(wait);
      const fresh = issueLoginNonce(req, res);
      res.status(401).type('html').send(adminPage({ lang, req, title: w(lang, 'login'), body: loginBody(lang, fresh, next, true) }));
      return;
    }
    const session = newSession(result.official.id, result.tokenId);
    await recordSession(ctx.prisma, session);
    setSessionCookie(req, res, sealSession(ctx.secret, session));
    res.append('Set-Cookie', `${LOGIN_COOKIE}=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.redirect(303, next);
  };
}

/** Ends the session (the CSRF check ran in the session middleware). */
export function logout(ctx: ServiceContext): RequestHandler {
  return async (req, res) => {
    const s = openSession(ctx.secret, parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (s) await endSession(ctx.prisma, s);
    clearSessionCookie(req, res);
    res.redirect(303, '/admin/login');
  };
}

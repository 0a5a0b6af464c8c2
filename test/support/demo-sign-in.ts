import { join } from 'node:path';
import { seedDir } from '../../src/paths.js';
import { readPersonas } from '../../src/storage/demo-personas.js';
import { CookieClient } from './browser-client.js';

/** The demo personas of data-seed/personas.json (the embedded OpenID provider's accounts). */
export const demoSeed = readPersonas(join(seedDir, 'personas.json'));

/** A persona by its id (`persona-reseller-admin`) or its name (`Marco Rossi`). */
export function persona(idOrName: string) {
  const found = demoSeed.personas.find((p) => p.id === idOrName || p.name === idOrName);
  if (!found) throw new Error(`no demo persona ${idOrName}`);
  return found;
}

/** Starts a sign-in and follows it to the embedded provider's login page. */
export async function openLoginPage(browser: CookieClient, query = 'returnTo=%2Fwebchat'): Promise<{ html: string; action: string; res: Response }> {
  const res = await browser.follow(`/auth/signin?${query}`);
  const html = await res.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1] ?? '';
  return { html, action: action.replace(/&amp;/g, '&'), res };
}

/**
 * Chooses a persona on the login page and follows the round trip back to the assistant's callback.
 * When the provider's session holds another persona, the provider first ends it with a self-posting
 * form (a browser submits it by script); this submits it the same way.
 */
export async function choose(browser: CookieClient, action: string, oid: string): Promise<Response> {
  const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  const res = await browser.follow(action, { ...form, body: new URLSearchParams({ persona: oid }).toString() }, '/auth/callback');
  if (res.status !== 200) return res;
  const html = await res.text();
  const logout = /<form method="post" action="([^"]+\/session\/end\/confirm)">/.exec(html)?.[1];
  if (!logout) throw new Error(`unexpected page after login: ${html.slice(0, 200)}`);
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
  return browser.follow(new URL(logout).pathname, { ...form, body: new URLSearchParams(fields).toString() }, '/auth/callback');
}

/** A browser signed in as a demo persona through the embedded OpenID provider, the way a person does it. */
export async function signedInAs(baseUrl: string, idOrName: string): Promise<CookieClient> {
  const browser = new CookieClient(baseUrl);
  const { action } = await openLoginPage(browser);
  const res = await choose(browser, action, persona(idOrName).oid);
  if (res.status >= 400) throw new Error(`sign-in as ${idOrName} failed: ${res.status}`);
  return browser;
}

/** A Direct Line token of the built-in channel for a demo persona, as the web chat page gets it. */
export async function demoDirectLineToken(baseUrl: string, idOrName: string, locale?: string): Promise<{ status: number; json: any }> {
  const browser = await signedInAs(baseUrl, idOrName);
  const res = await browser.request('/api/directline/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(locale ? { locale } : {}),
  });
  return { status: res.status, json: await res.json() };
}

/** A tiny browser stand-in over fetch: a cookie jar, manual redirects, and the Set-Cookie lines of each answer. */
export class CookieClient {
  readonly jar = new Map<string, string>();
  /** The raw Set-Cookie lines of the last answer. */
  lastSetCookies: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** One request (no redirect followed); cookies of the answer go into the jar. */
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(path, this.baseUrl).href;
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...this.headers, ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) },
    });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const maxAge = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('max-age='));
      if (value === '' || maxAge === 'Max-Age=0') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  /**
   * Follows redirects that stay on `baseUrl`'s origin; stops at the first other answer, a redirect
   * elsewhere, or the answer to a path starting with `stopAfter`.
   */
  async follow(path: string, init: RequestInit = {}, stopAfter?: string): Promise<Response> {
    let res = await this.request(path, init);
    let current = path;
    for (let i = 0; i < 10; i++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) return res;
      if (stopAfter && new URL(current, this.baseUrl).pathname.startsWith(stopAfter)) return res;
      const next = new URL(location, this.baseUrl);
      if (next.origin !== new URL(this.baseUrl).origin) return res;
      current = next.pathname + next.search;
      res = await this.request(current);
    }
    return res;
  }
}

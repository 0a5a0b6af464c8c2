import type { ExpiringValues } from '../../app/shared-state.port.js';

/** What oidc-provider stores through an adapter: plain JSON. */
type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; jti?: string };

/** Models whose records belong to a grant, and go when it is revoked. */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

/**
 * oidc-provider's storage on shared expiring values (the same contract as its memory adapter):
 * sessions, interactions, codes and grants of the embedded demo provider live in the shared store,
 * so a demo sign-in begun on one instance finishes on another.
 */
export class SharedProviderAdapter {
  constructor(
    private readonly model: string,
    private readonly values: ExpiringValues,
    private readonly now: () => number = Date.now,
  ) {}

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const expiresAt = typeof expiresIn === 'number' ? this.now() + expiresIn * 1000 : undefined;
    if (this.model === 'Session' && payload.uid) await this.values.set(`sessionUid:${payload.uid}`, id, expiresAt);
    if (payload.userCode) await this.values.set(`userCode:${payload.userCode}`, id, expiresAt);
    if (GRANTABLE.has(this.model) && payload.grantId) await this.addToGrant(payload.grantId, key, expiresAt);
    await this.values.set(key, JSON.stringify(payload), expiresAt);
  }

  async find(id: string): Promise<Payload | undefined> {
    const found = await this.values.get(this.key(id));
    return found ? (JSON.parse(found.value) as Payload) : undefined;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = await this.values.get(`sessionUid:${uid}`);
    const session = id ? await this.find(id.value) : undefined;
    return session?.uid === uid ? session : undefined;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = await this.values.get(`userCode:${userCode}`);
    const found = id ? await this.find(id.value) : undefined;
    return found?.userCode === userCode ? found : undefined;
  }

  async consume(id: string): Promise<void> {
    const key = this.key(id);
    const found = await this.values.get(key);
    if (!found) return;
    await this.values.set(key, JSON.stringify({ ...(JSON.parse(found.value) as Payload), consumed: Math.floor(this.now() / 1000) }), found.expiresAt);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    const found = await this.find(id);
    await this.values.delete(key);
    if (found?.uid && (await this.values.get(`sessionUid:${found.uid}`))?.value === id) await this.values.delete(`sessionUid:${found.uid}`);
    if (found?.userCode && (await this.values.get(`userCode:${found.userCode}`))?.value === id) await this.values.delete(`userCode:${found.userCode}`);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const members = await this.grantMembers(grantId);
    for (const key of Object.keys(members)) await this.values.delete(key);
    await this.values.delete(`grant:${grantId}`);
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  /** The records of a grant with their expiry (null: none). */
  private async grantMembers(grantId: string): Promise<Record<string, number | null>> {
    const found = await this.values.get(`grant:${grantId}`);
    return found ? (JSON.parse(found.value) as Record<string, number | null>) : {};
  }

  private async addToGrant(grantId: string, key: string, expiresAt: number | undefined): Promise<void> {
    const now = this.now();
    const members = Object.fromEntries(Object.entries(await this.grantMembers(grantId)).filter(([, until]) => until === null || until > now));
    members[key] = expiresAt ?? null;
    const untils = Object.values(members);
    await this.values.set(`grant:${grantId}`, JSON.stringify(members), untils.includes(null) ? undefined : Math.max(...(untils as number[])));
  }
}

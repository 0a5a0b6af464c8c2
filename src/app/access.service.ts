import { authorize, rolesFor, type Action, type Role, type Standing, ACCESS } from '../domain/access.js';
import type { Actor } from '../domain/actor.js';
import { ensureMember, type Organization } from '../domain/organization/organization.js';
import { isApproved, type Provider } from '../domain/provider/provider.js';
import { ensureProviderMember, isVerifiedMember, providerRolesOf } from '../domain/provider/provider-members.js';
import { fail, ok, type Result } from '../domain/result.js';
import { mutate, type Clock, type RecordStore } from './ports.js';

/** What deciding access needs: the organizations, the providers and the operator's reviewers. */
export interface AccessDeps {
  readonly organizations: RecordStore<Organization>;
  readonly providers: RecordStore<Provider>;
  /** User ids (Entra object ids) of the operator's reviewers. */
  readonly reviewerIds: readonly string[];
  readonly clock: Clock;
}

/** A granted action: the caller and the organization (or provider) it was granted in. */
export type Granted<S> = { readonly actor: Actor; readonly roles: readonly Role[]; readonly scope: S };

/**
 * Applies the domain's access table to a caller. Organizations follow the proven tenant: a user of
 * an enrolled organization's tenant is its member (with no role until an Admin agent grants one);
 * a user of a registered provider's tenant belongs to that provider, with the roles its record gives.
 */
export class AccessService {
  constructor(private readonly deps: AccessDeps) {}

  /** The reseller organization of the caller's proven tenant, adding the caller as a member with no role on first sight. */
  async organizationOf(actor: Actor | undefined): Promise<Organization | undefined> {
    if (!actor?.tenantId) return undefined;
    const org = (await this.deps.organizations.get(actor.tenantId))?.value;
    if (!org || org.members.some((m) => m.userId === actor.userId)) return org;
    const joined = await mutate(this.deps.organizations, actor.tenantId, (current) =>
      current ? ok(ensureMember(current, { userId: actor.userId, name: actor.name }, this.deps.clock.now())) : fail('ORG.NONE', 'access.noOrganization'),
    );
    return joined.ok ? joined.value.value : undefined;
  }

  /** The provider registered (and approved) for the caller's proven tenant, adding the caller as a member with no role on first sight. */
  async providerOf(actor: Actor | undefined, read?: Provider): Promise<Provider | undefined> {
    if (!actor?.tenantId) return undefined;
    // The caller's own provider just read (the one a request is addressed to) is not read again.
    const provider = read?.tenantId === actor.tenantId ? read : (await this.deps.providers.get(actor.tenantId))?.value;
    if (!provider || !isApproved(provider)) return undefined;
    if (isVerifiedMember(provider, actor.userId)) return provider;
    const joined = await mutate(this.deps.providers, actor.tenantId, (current) =>
      current && isApproved(current) ? ok(ensureProviderMember(current, { userId: actor.userId, name: actor.name }, this.deps.clock.now())) : fail('PROVIDER.UNKNOWN', 'access.noProvider'),
    );
    return joined.ok ? joined.value.value : undefined;
  }

  /** User ids of the operator's reviewers, who get registration and enrollment review cards. */
  get reviewerIds(): readonly string[] {
    return this.deps.reviewerIds;
  }

  /** A reseller-side action: granted with the organization, or refused naming the role and who can grant it. */
  async asReseller(action: Action, actor: Actor | undefined): Promise<Result<Granted<Organization>>> {
    this.expectSide(action, 'reseller');
    const org = await this.organizationOf(actor);
    const roles = org && actor ? (org.members.find((m) => m.userId === actor.userId)?.roles ?? []) : [];
    const standing: Standing | undefined = org
      ? { organization: org.name, roles, holders: org.members.filter((m) => m.roles.includes('adminAgent')).map((m) => m.name) }
      : undefined;
    const decided = authorize(action, actor, standing);
    if (!decided.ok && !org && actor) {
      // An indirect provider's user asking for a reseller's list: say what providers see instead.
      const provider = await this.providerOf(actor);
      if (provider) return fail('ACCESS.NO_ORGANIZATION', 'access.providerNotReseller', { roles: rolesFor(action).join(','), provider: provider.name });
    }
    return decided.ok ? ok({ actor: actor!, roles, scope: org! }) : decided;
  }

  /** A provider-side action, in the caller's own provider or in `provider` when given (it must be the caller's). */
  async asProvider(action: Action, actor: Actor | undefined, provider?: Provider): Promise<Result<Granted<Provider>>> {
    this.expectSide(action, 'provider');
    const own = await this.providerOf(actor, provider);
    if (actor && provider && provider.tenantId !== own?.tenantId) {
      return fail('ACCESS.OTHER_ORGANIZATION', 'access.otherOrganization', { roles: rolesFor(action).join(','), organization: provider.name });
    }
    const target = own;
    const roles = target && actor ? providerRolesOf(target, actor.userId) : [];
    const standing: Standing | undefined = target
      ? { organization: target.name, roles, holders: (target.admins ?? []).map((a) => a.name) }
      : undefined;
    const decided = authorize(action, actor, standing);
    return decided.ok ? ok({ actor: actor!, roles, scope: target! }) : decided;
  }

  /** An operator action (reviews): the caller must be one of the operator's reviewers. */
  asOperator(action: Action, actor: Actor | undefined): Result<Granted<null>> {
    this.expectSide(action, 'operator');
    const isReviewer = !!actor?.proof && this.deps.reviewerIds.includes(actor.userId);
    const decided = authorize(action, actor, isReviewer ? { organization: 'operator', roles: ['reviewer'], holders: [] } : undefined);
    return decided.ok ? ok({ actor: actor!, roles: ['reviewer'], scope: null }) : decided;
  }

  /** Whether the caller is one of the operator's reviewers. */
  isReviewer(actor: Actor | undefined): boolean {
    return this.asOperator('enrollment.review', actor).ok;
  }

  private expectSide(action: Action, side: 'reseller' | 'provider' | 'operator'): void {
    if (ACCESS[action].side !== side) throw new Error(`Action ${action} is not a ${side} action`);
  }
}

import type { Actor } from '../domain/actor.js';
import { fail, ok, type Result } from '../domain/result.js';
import type { AccessService } from './access.service.js';
import type { Clock } from './ports.js';
import type { SignedLinks } from './signed-links.port.js';

/** The `kind` of the signed ticket that starts a provider admin's Partner Center sign-in. */
export const SIGN_IN_TICKET_KIND = 'partner-center-sign-in';
/** How long a ticket works: it also travels through Entra ID as the sign-in's state. */
export const SIGN_IN_TICKET_MINUTES = 10;

/** Who a ticket was issued to, for the routes to check against the account Entra ID signed in. */
export interface SignInTicket {
  readonly userId: string;
  readonly providerTenantId: string;
}

/**
 * The provider admin's one-time sign-in for Partner Center's App+User calls (PARTNER_CENTER=api):
 * a provider admin of the partner tenant asks for it in chat and gets a short-lived signed link
 * naming them; the sign-in is kept only when Entra ID signs in that same person of that tenant.
 */
export class PartnerCenterSignInService {
  constructor(
    private readonly deps: {
      readonly access: AccessService;
      readonly signedLinks: SignedLinks;
      readonly clock: Clock;
      readonly publicBaseUrl: string;
      /** The partner tenant the API adapter speaks for; undefined with the embedded Partner Center. */
      readonly partnerTenantId?: string;
    },
  ) {}

  /** The sign-in link for a provider admin of the partner tenant; refused naming the role, or saying why not. */
  async link(actor: Actor | undefined): Promise<Result<{ url: string; minutes: number }>> {
    if (!this.deps.partnerTenantId) return fail('PARTNER_CENTER.EMBEDDED', 'partnerCenter.signIn.embedded');
    const granted = await this.deps.access.asProvider('provider.partnerCenterSignIn', actor);
    if (!granted.ok) return granted;
    if (granted.value.scope.tenantId.toLowerCase() !== this.deps.partnerTenantId) return fail('PARTNER_CENTER.OTHER_PROVIDER', 'partnerCenter.signIn.otherProvider');
    const exp = Math.floor(this.deps.clock.now().getTime() / 1000) + SIGN_IN_TICKET_MINUTES * 60;
    const token = await this.deps.signedLinks.sign({ id: granted.value.scope.tenantId.toLowerCase(), kind: SIGN_IN_TICKET_KIND, subject: actor!.userId, exp });
    return ok({ url: `${this.deps.publicBaseUrl}/partner-center/sign-in?ticket=${encodeURIComponent(token)}`, minutes: SIGN_IN_TICKET_MINUTES });
  }

  /** Whom a ticket names, if it is genuine, unexpired and for the partner tenant, and they are still one of its provider admins. */
  async ticket(token: string): Promise<SignInTicket | undefined> {
    if (!this.deps.partnerTenantId) return undefined;
    const verified = await this.deps.signedLinks.verify(token, SIGN_IN_TICKET_KIND, this.deps.clock.now());
    if (!verified.ok || verified.claims.id !== this.deps.partnerTenantId) return undefined;
    const still = await this.deps.access.asProvider('provider.partnerCenterSignIn', { userId: verified.claims.subject, name: verified.claims.subject, tenantId: verified.claims.id });
    return still.ok ? { userId: verified.claims.subject, providerTenantId: verified.claims.id } : undefined;
  }
}

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { PartnerCenter } from '../app/partner-center.port.js';
import type { PartnerProfile } from '../domain/enrollment/enrollment.js';

const ReferenceData = z.object({
  signIns: z.record(
    z.string(),
    z.array(
      z.object({
        partnerId: z.string().regex(/^\d+$/),
        organizationName: z.string().min(1),
        country: z.string().length(2),
        active: z.boolean(),
      }),
    ),
  ),
});

/** The embedded Partner Center: fictional organization profiles from data-seed/partner-profiles.json. */
export class ReferencePartnerCenter implements PartnerCenter {
  private readonly signIns: Map<string, PartnerProfile[]>;

  constructor(file: string) {
    const data = ReferenceData.parse(JSON.parse(readFileSync(file, 'utf8')));
    this.signIns = new Map(Object.entries(data.signIns).map(([name, profiles]) => [name.toLowerCase(), profiles]));
  }

  async profile(partnerId: string): Promise<PartnerProfile | undefined> {
    for (const profiles of this.signIns.values()) {
      const found = profiles.find((p) => p.partnerId === partnerId.trim());
      if (found) return found;
    }
    return undefined;
  }

  async profilesForSignIn(userName: string): Promise<PartnerProfile[]> {
    return this.signIns.get(userName.trim().toLowerCase()) ?? [];
  }
}

import { z } from 'zod';

/** A demo user to sign in as on a laptop: an account of the embedded OpenID provider, with Entra-like claims. */
export const Persona = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  role: z.enum(['newReseller', 'adminAgent', 'salesAgent', 'colleague', 'approver', 'reviewer']),
  oid: z.string().uuid(),
  tid: z.string().uuid(),
  username: z.string().email(),
  organization: z.string().min(1),
  /** Directory role template ids, as in Entra ID's `wids` claim. */
  wids: z.array(z.string().uuid()),
});
export type Persona = z.infer<typeof Persona>;

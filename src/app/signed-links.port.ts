/** What a signed link carries: the record it opens, what kind of link it is, whom it concerns and when it expires (epoch seconds). */
export interface InvitationClaims {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly exp: number;
}

/** A link's claims, or why it is refused: tampered and expired are told apart; single use is the record's business. */
export type LinkCheck = { ok: true; claims: InvitationClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Signs and checks the tokens of invitation links and the built-in Direct Line, with keys that can rotate. */
export interface SignedLinks {
  sign(claims: InvitationClaims): Promise<string>;
  /** The token as each key on the ring signs it, current first: to find a link sent before a rotation in a text. */
  signings(claims: InvitationClaims): Promise<string[]>;
  verify(token: string, kind: string, now: Date): Promise<LinkCheck>;
}

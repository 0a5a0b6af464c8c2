import { createHash, createHmac } from 'node:crypto';
import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import {
  answerAlreadyEnrolled,
  chooseTenant,
  continueFromChecklist,
  hashSecret,
  issueVerification,
  selectMpnProfile,
  setLegalProfile,
  setPartnerCenterSignIn,
  startEnrollment,
  submit,
  verificationKey,
  verifyContact,
  type EnrollmentApplication,
} from '../../../src/domain/enrollment/enrollment.js';
import type { Result } from '../../../src/domain/result.js';

const applicant: Actor = { userId: 'u-luca', name: 'Luca', tenantId: 't' };
const T0 = new Date('2026-11-24T09:00:00Z');
const SIGNING_KEY = 'the invitation signing key of this instance, 32+ chars';
const KEY = verificationKey(SIGNING_KEY);
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`unexpected refusal ${result.error.code}`);
  return result.value;
}

/** A submitted application, ready to be given a verification code. */
function submitted(): EnrollmentApplication {
  let app = startEnrollment({ id: 'app-secrets', actor: applicant, now: T0 });
  app = value(answerAlreadyEnrolled(app, false, applicant, T0));
  app = value(continueFromChecklist(app, applicant, T0));
  app = value(chooseTenant(app, { mode: 'existing', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', country: 'IT', globalAdminConfirmed: true }, applicant, T0));
  app = value(setPartnerCenterSignIn(app, 'admin@contoso.example', applicant, T0));
  app = value(selectMpnProfile(app, { partnerId: '4851234', organizationName: 'Contoso Italia', country: 'IT', active: true }, applicant, T0));
  app = value(
    setLegalProfile(app, {
      legalName: 'Contoso Italia S.r.l.', country: 'IT', line1: 'Via Roma 1', city: 'Milano', region: 'MI', postalCode: '20121',
      contactFirstName: 'Giulia', contactLastName: 'Rossi', contactEmail: 'giulia@contoso-italia.example', contactPhone: '+39 02 1234 5678',
      supportEmail: 'support@contoso-italia.example', supportPhone: '02 1234 5679',
    }, applicant, T0),
  );
  return value(submit(app, applicant, T0));
}

describe('Verification secrets at rest', () => {
  it('derives its own key from the signing key, under a label, the same every time', () => {
    expect(KEY.equals(verificationKey(SIGNING_KEY))).to.equal(true);
    expect(KEY).to.have.length(32);
    expect(KEY.equals(createHmac('sha256', SIGNING_KEY).update('verification-codes').digest())).to.equal(true);
    expect(verificationKey('another signing key, also 32+ characters').equals(KEY), 'another instance').to.equal(false);
  });

  it('stores a code as a keyed hash: not the plain SHA-256, and different under another key', () => {
    const stored = hashSecret('123456', KEY);
    expect(stored).to.match(/^[0-9a-f]{64}$/);
    expect(stored).to.not.equal(sha256('123456'));
    expect(stored).to.equal(hashSecret('123456', KEY));
    expect(stored).to.not.equal(hashSecret('123456', verificationKey('another signing key, also 32+ characters')));
    expect(stored).to.not.equal(hashSecret('123457', KEY));
  });

  it('verifies a code and a link token only under the key they were stored with', () => {
    const pending = issueVerification(submitted(), { codeHash: hashSecret('123456', KEY), tokenHash: hashSecret('link-secret', KEY) }, T0);
    const later = new Date(T0.getTime() + 1000);
    expect(verifyContact(pending, { code: '123456' }, applicant, later, KEY).outcome).to.equal('verified');
    expect(verifyContact(pending, { token: 'link-secret' }, null, later, KEY).outcome).to.equal('verified');
    const otherKey = verificationKey('another signing key, also 32+ characters');
    expect(verifyContact(pending, { code: '123456' }, applicant, later, otherKey).outcome).to.equal('wrong');
    expect(verifyContact(pending, { token: 'link-secret' }, null, later, otherKey).outcome).to.equal('wrong');
  });

  it('counts a code pending from before, stored as plain SHA-256, as a wrong try without failing', () => {
    const later = new Date(T0.getTime() + 1000);
    for (const codeHash of [sha256('123456'), '', 'not hex at all', 'ab']) {
      const old = issueVerification(submitted(), { codeHash, tokenHash: sha256('link-secret') }, T0);
      const tried = verifyContact(old, { code: '123456' }, applicant, later, KEY);
      expect(tried.outcome, JSON.stringify(codeHash)).to.equal('wrong');
      expect(tried.app.verification?.failedAttempts).to.equal(1);
      expect(tried.app.status).to.equal('submitted');
      expect(verifyContact(old, { token: 'link-secret' }, null, later, KEY).outcome).to.equal('wrong');
    }
  });
});

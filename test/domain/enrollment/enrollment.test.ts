import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import {
  answerAlreadyEnrolled,
  chooseTenant,
  continueFromChecklist,
  decide,
  editSection,
  hashSecret,
  issueVerification,
  LOCK_MS,
  MAX_ATTEMPTS,
  missingSections,
  reopenRejected,
  selectMpnProfile,
  setLegalProfile,
  setPartnerCenterSignIn,
  setSupportContact,
  startEnrollment,
  startReview,
  submit,
  validateLegalProfile,
  verificationKey,
  verifyContact,
  VERIFICATION_TTL_MS,
  type EnrollmentApplication,
  type PartnerProfile,
} from '../../../src/domain/enrollment/enrollment.js';
import type { Result } from '../../../src/domain/result.js';
import { translate } from '../../../src/i18n/catalog.js';

const applicant: Actor = { userId: 'u-giulia', name: 'Giulia', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', proof: 'openid', globalAdmin: true };
const anna: Actor = { userId: 'r-anna', name: 'Anna' };
const marco: Actor = { userId: 'r-marco', name: 'Marco' };
const T0 = new Date('2026-11-24T09:00:00Z');
const later = (ms: number) => new Date(T0.getTime() + ms);
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const KEY = verificationKey('a signing key for the tests, 32+ characters');

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`unexpected refusal ${result.error.code}`);
  return result.value;
}

const LEGAL = {
  legalName: 'Contoso Italia S.r.l.', country: 'IT', line1: 'Via Roma 1', city: 'Milano', region: 'MI', postalCode: '20121',
  contactFirstName: 'Giulia', contactLastName: 'Rossi', contactEmail: 'giulia@contoso-italia.example', contactPhone: '+39 02 1234 5678',
  supportEmail: 'support@contoso-italia.example', supportPhone: '02 1234 5679',
};
const ACTIVE_IT: PartnerProfile = { partnerId: '4851234', organizationName: 'Contoso Italia', country: 'IT', active: true };

function draftAtMpn(): EnrollmentApplication {
  let app = startEnrollment({ id: 'app-1', actor: applicant, now: T0 });
  app = value(answerAlreadyEnrolled(app, false, applicant, T0));
  app = value(continueFromChecklist(app, applicant, T0));
  app = value(chooseTenant(app, { country: 'IT' }, applicant, T0));
  return value(setPartnerCenterSignIn(app, 'admin@contoso.example', applicant, T0));
}

function complete(): EnrollmentApplication {
  const app = value(selectMpnProfile(draftAtMpn(), ACTIVE_IT, applicant, T0));
  return value(setLegalProfile(app, LEGAL, applicant, T0));
}

function underReview(): EnrollmentApplication {
  let app = value(submit(complete(), applicant, T0));
  app = issueVerification(app, { codeHash: hashSecret('123456', KEY), tokenHash: hashSecret('token', KEY) }, T0);
  app = verifyContact(app, { code: '123456' }, applicant, T0, KEY).app;
  return value(startReview(app, T0));
}

describe('Enrollment application', () => {
  it('walks the steps of the guide, recording each in the timeline', () => {
    const app = complete();
    expect(app.status).to.equal('draft');
    expect(app.step).to.equal('review');
    expect(app.history.map((h) => h.what)).to.deep.equal(['started', 'newToCsp', 'checklist', 'tenant', 'signIn', 'mpn', 'legal']);
  });

  describe('MPN ID rule', () => {
    const cases: [string, PartnerProfile, string | undefined][] = [
      ['accepts an active profile in the tenant country', ACTIVE_IT, undefined],
      ['refuses an inactive profile', { ...ACTIVE_IT, active: false }, 'ENROLLMENT.MPN_INACTIVE'],
      ['refuses an MPN ID from another country', { ...ACTIVE_IT, country: 'DE' }, 'ENROLLMENT.MPN_COUNTRY_MISMATCH'],
    ];
    for (const [name, profile, code] of cases) {
      it(name, () => {
        const result = selectMpnProfile(draftAtMpn(), profile, applicant, T0);
        expect(result.ok ? undefined : result.error.code).to.equal(code);
      });
    }

    it('names both countries when they differ', () => {
      const result = selectMpnProfile(draftAtMpn(), { ...ACTIVE_IT, country: 'DE' }, applicant, T0);
      expect(!result.ok && result.error.params).to.deep.include({ profileCountry: 'DE', tenantCountry: 'IT' });
    });
  });

  describe('tenant (Sign in to Azure AD)', () => {
    const base = () => value(continueFromChecklist(value(answerAlreadyEnrolled(startEnrollment({ id: 'a', actor: applicant, now: T0 }), false, applicant, T0)), applicant, T0));
    const teamsUser: Actor = { userId: 'aad-1', name: 'Teams User', tenantId: 'aaaaaaaa-0000-4000-8000-000000000001', proof: 'teams' };
    const cases: [string, Actor, object, string][] = [
      ['a global administrator proven by the token', applicant, { country: 'IT' }, 'verified'],
      ['a Teams user, whose role a reviewer checks', teamsUser, { country: 'IT' }, 'unverified'],
      ['a typed tenant id and tick box, ignored for the proven tenant', teamsUser, { country: 'IT', tenantId: TENANT, globalAdminConfirmed: true }, 'unverified'],
      ['a user the token says is not a global administrator', { ...applicant, globalAdmin: false }, { country: 'IT' }, 'ENROLLMENT.NOT_GLOBAL_ADMIN'],
      ['a user with no proven tenant (a portal user who has not signed in)', { userId: 'web:x', name: 'X', proof: 'portal' }, { country: 'IT', tenantId: TENANT }, 'ENROLLMENT.SIGN_IN_REQUIRED'],
      ['a missing country', applicant, { country: '' }, 'VALIDATION.FIELDS'],
      ['an unknown country', applicant, { country: 'QQ' }, 'VALIDATION.FIELDS'],
    ];
    for (const [name, actor, input, expected] of cases) {
      it(`${/^[a-z]+$/.test(expected) ? 'records' : 'refuses'} ${name}`, () => {
        const result = chooseTenant(base(), input, actor, T0);
        if (result.ok) {
          expect(result.value.tenant).to.deep.equal({ mode: 'existing', tenantId: actor.tenantId, country: 'IT', globalAdmin: expected });
        } else {
          expect(result.error.code).to.equal(expected);
        }
      });
    }
  });

  describe('legal business profile', () => {
    it('accepts a complete profile and normalizes phones and postal codes', () => {
      const legal = value(validateLegalProfile({ ...LEGAL, country: 'GB', region: '', postalCode: 'sw1a1aa', contactPhone: '020 7946 0000', supportPhone: '020 7946 0001' }, 'IT'));
      expect(legal.address.postalCode).to.equal('SW1A 1AA');
      expect(legal.primaryContact.phone).to.equal('+442079460000');
    });
    it('refuses a webmail primary contact, and accepts the own domain', () => {
      const refused = validateLegalProfile({ ...LEGAL, contactEmail: 'giulia@gmail.com' }, 'IT');
      expect(!refused.ok && refused.error.fields?.map((f) => f.messageKey)).to.deep.equal(['enrollment.validation.webmail']);
      expect(validateLegalProfile(LEGAL, 'IT').ok).to.equal(true);
    });
    it('returns every problem at once, each with its field', () => {
      const result = validateLegalProfile({ ...LEGAL, legalName: '', region: '', postalCode: '123', contactPhone: 'x', supportWebsite: 'contoso' }, 'IT');
      expect(!result.ok && result.error.fields?.map((f) => f.field).sort()).to.deep.equal(['contactPhone', 'legalName', 'postalCode', 'region', 'supportWebsite']);
    });
    it('keeps nothing half-valid: a refused profile leaves the saved one unchanged', () => {
      const app = complete();
      const result = setLegalProfile(app, { ...LEGAL, legalName: 'Changed', postalCode: 'bad' }, applicant, T0);
      expect(result.ok).to.equal(false);
      expect(app.legal?.legalName).to.equal('Contoso Italia S.r.l.');
    });
  });

  describe('Enroll now', () => {
    it('refuses before every section is valid, listing what is missing', () => {
      const app = value(answerAlreadyEnrolled(startEnrollment({ id: 'a', actor: applicant, now: T0 }), false, applicant, T0));
      const result = submit(app, applicant, T0);
      expect(!result.ok && result.error).to.deep.include({ code: 'ENROLLMENT.INCOMPLETE', params: { sections: 'tenant,mpn,legal' } });
      expect(missingSections(draftAtMpn())).to.deep.equal(['mpn', 'legal']);
    });
    it('submits a complete application', () => {
      expect(value(submit(complete(), applicant, T0)).status).to.equal('submitted');
    });
    it('drops the MPN ID when the tenant moves to another country', () => {
      const moved = value(chooseTenant(complete(), { country: 'DE' }, applicant, T0));
      expect(moved.mpn).to.equal(undefined);
      expect(missingSections(moved)).to.deep.equal(['mpn']);
    });
    it('keeps answers when a section is edited from the review', () => {
      const edited = value(editSection(complete(), 'legal', applicant, T0));
      expect(edited.step).to.equal('legal');
      expect(edited.legal?.legalName).to.equal('Contoso Italia S.r.l.');
    });
  });

  describe('primary contact verification', () => {
    const pending = () => issueVerification(value(submit(complete(), applicant, T0)), { codeHash: hashSecret('123456', KEY), tokenHash: hashSecret('tok', KEY) }, T0);

    it('verifies with the right code, once', () => {
      const first = verifyContact(pending(), { code: '123456' }, applicant, later(1000), KEY);
      expect(first.outcome).to.equal('verified');
      expect(first.app.status).to.equal('contactVerified');
      expect(verifyContact(first.app, { code: '123456' }, applicant, later(2000), KEY).outcome).to.equal('used');
    });
    it('verifies with the link token', () => {
      expect(verifyContact(pending(), { token: 'tok' }, null, later(1000), KEY).outcome).to.equal('verified');
    });
    it('refuses a wrong code and counts the tries left', () => {
      const wrong = verifyContact(pending(), { code: '000000' }, applicant, later(1000), KEY);
      expect(wrong).to.deep.include({ outcome: 'wrong', remainingAttempts: MAX_ATTEMPTS - 1 });
      expect(wrong.app.verification?.failedAttempts).to.equal(1);
    });
    it('refuses an expired code', () => {
      expect(verifyContact(pending(), { code: '123456' }, applicant, later(VERIFICATION_TTL_MS), KEY).outcome).to.equal('expired');
    });
    it('locks after 5 wrong tries for 15 minutes, then counts again', () => {
      let app = pending();
      let outcome = '';
      for (let i = 0; i < MAX_ATTEMPTS; i++) ({ app, outcome } = verifyContact(app, { code: '000000' }, applicant, later(i * 1000), KEY));
      expect(outcome).to.equal('locked');
      expect(verifyContact(app, { code: '123456' }, applicant, later(LOCK_MS - 1), KEY).outcome).to.equal('locked');
      const after = verifyContact(app, { code: '123456' }, applicant, later(MAX_ATTEMPTS * 1000 + LOCK_MS), KEY);
      expect(after.outcome).to.equal('verified');
    });
    it('a new code invalidates the old one', () => {
      const reissued = issueVerification(pending(), { codeHash: hashSecret('654321', KEY), tokenHash: hashSecret('tok2', KEY) }, later(1000));
      expect(verifyContact(reissued, { code: '123456' }, applicant, later(2000), KEY).outcome).to.equal('wrong');
      expect(verifyContact(reissued, { code: '654321' }, applicant, later(3000), KEY).outcome).to.equal('verified');
    });
  });

  describe('review decision', () => {
    it('records the first decision; a second one is told who decided and when', () => {
      const approved = value(decide(underReview(), { outcome: 'approved' }, anna, later(60_000)));
      expect(approved.status).to.equal('approved');
      const second = decide(approved, { outcome: 'rejected', reason: 'late' }, marco, later(61_000));
      expect(!second.ok && second.error).to.deep.include({ code: 'ENROLLMENT.ALREADY_DECIDED', params: { by: 'Anna', at: later(60_000).toISOString() } });
      const again = decide(approved, { outcome: 'approved' }, anna, later(62_000));
      expect(!again.ok && again.error.code).to.equal('ENROLLMENT.ALREADY_DECIDED');
    });
    it('needs a reason to reject', () => {
      const result = decide(underReview(), { outcome: 'rejected', reason: '  ' }, anna, T0);
      expect(!result.ok && result.error.code).to.equal('ENROLLMENT.REASON_REQUIRED');
    });
    it('cannot decide an application that is not under review', () => {
      const result = decide(complete(), { outcome: 'approved' }, anna, T0);
      expect(!result.ok && result.error.code).to.equal('ENROLLMENT.NOT_UNDER_REVIEW');
    });
    it('lets the applicant edit a rejected application and submit it again', () => {
      const rejected = value(decide(underReview(), { outcome: 'rejected', reason: 'Address mismatch' }, anna, T0));
      expect(reopenRejected(rejected, anna, T0).ok, 'someone else').to.equal(false);
      const reopened = value(reopenRejected(rejected, applicant, T0));
      expect(reopened).to.deep.include({ status: 'draft', step: 'review' });
      expect(reopened.decision).to.equal(undefined);
      expect(reopened.legal?.legalName).to.equal('Contoso Italia S.r.l.');
      expect(value(submit(reopened, applicant, T0)).status).to.equal('submitted');
    });
  });

  describe('organization already enrolled in CSP', () => {
    const start = () => value(answerAlreadyEnrolled(startEnrollment({ id: 'a', actor: applicant, now: T0 }), true, applicant, T0));
    const SUPPORT = { supportEmail: 'help@contoso.example', supportPhone: '+1 425 555 0100', partnerId: ACTIVE_IT.partnerId, country: 'IT' };
    it('needs a PartnerID Partner Center knows and valid support details, then goes to review, named from its profile', () => {
      const app = value(setSupportContact(start(), SUPPORT, applicant, T0, ACTIVE_IT));
      expect(app.status).to.equal('underReview');
      expect(app.support?.phone).to.equal('+14255550100');
      expect(app.mpn?.organizationName).to.equal(ACTIVE_IT.organizationName);
      expect(app.tenant).to.deep.equal({ mode: 'existing', tenantId: applicant.tenantId, country: 'IT', globalAdmin: 'verified' });
    });
    const cases: [string, object, PartnerProfile | undefined, Actor, string[]][] = [
      ['incomplete support details', { ...SUPPORT, supportEmail: 'help', supportPhone: '' }, ACTIVE_IT, applicant, ['supportEmail', 'supportPhone']],
      ['a PartnerID Partner Center does not know', SUPPORT, undefined, applicant, ['partnerId']],
      ['an inactive profile', SUPPORT, { ...ACTIVE_IT, active: false }, applicant, ['partnerId']],
      ['a profile in another country/region', { ...SUPPORT, country: 'DE' }, ACTIVE_IT, applicant, ['partnerId']],
      ['no country/region', { ...SUPPORT, country: '' }, ACTIVE_IT, applicant, ['country']],
    ];
    for (const [name, input, profile, actor, fields] of cases) {
      it(`refuses ${name}`, () => {
        const result = setSupportContact(start(), input, actor, T0, profile);
        expect(!result.ok && result.error.fields?.map((f) => f.field)).to.deep.equal(fields);
      });
    }
    it('refuses a caller whose tenant is not proven', () => {
      const result = setSupportContact(start(), SUPPORT, { userId: 'web:x', name: 'X', proof: 'portal' }, T0, ACTIVE_IT);
      expect(!result.ok && result.error.code).to.equal('ENROLLMENT.SIGN_IN_REQUIRED');
    });
  });

  it('has every message key it returns in both catalogs', () => {
    const keys = new Set<string>();
    const collect = (result: Result<unknown>) => {
      if (result.ok) return;
      keys.add(result.error.messageKey);
      for (const f of result.error.fields ?? []) keys.add(f.messageKey);
    };
    collect(selectMpnProfile(draftAtMpn(), { ...ACTIVE_IT, active: false }, applicant, T0));
    collect(selectMpnProfile(draftAtMpn(), { ...ACTIVE_IT, country: 'FR' }, applicant, T0));
    collect(validateLegalProfile({ contactEmail: 'a@gmail.com', postalCode: 'x', country: 'IT', legalName: 'x'.repeat(300), supportWebsite: 'x', contactPhone: 'x' }, 'IT'));
    collect(validateLegalProfile({ country: 'QQ' }, 'IT'));
    collect(submit(value(answerAlreadyEnrolled(startEnrollment({ id: 'a', actor: applicant, now: T0 }), false, applicant, T0)), applicant, T0));
    collect(decide(underReview(), { outcome: 'rejected' }, anna, T0));
    collect(decide(complete(), { outcome: 'approved' }, anna, T0));
    collect(chooseTenant(draftAtMpn(), { country: 'x' }, applicant, T0));
    collect(chooseTenant(draftAtMpn(), {}, { ...applicant, globalAdmin: false }, T0));
    collect(chooseTenant(draftAtMpn(), {}, { userId: 'u', name: 'U' }, T0));
    collect(reopenRejected(complete(), applicant, T0));
    collect(setSupportContact(value(answerAlreadyEnrolled(startEnrollment({ id: 'b', actor: applicant, now: T0 }), true, applicant, T0)), { partnerId: '1', country: 'IT' }, applicant, T0));
    collect(submit(value(submit(complete(), applicant, T0)), applicant, T0));
    expect(keys.size).to.be.greaterThan(10);
    for (const key of keys) {
      for (const locale of ['en', 'it'] as const) expect(() => translate(locale, key), `${key} in ${locale}`).to.not.throw();
    }
  });
});

import { expect } from 'chai';
import type { Actor } from '../../../src/domain/actor.js';
import { startEnrollment, type EnrollmentApplication } from '../../../src/domain/enrollment/enrollment.js';
import { createResellerFromEnrollment, ensureMember, hasRole, setRoles, type Role } from '../../../src/domain/organization/organization.js';

const T0 = new Date('2026-11-24T09:00:00Z');
const giulia: Actor = { userId: 'u-giulia', name: 'Giulia' };
const marco: Actor = { userId: 'u-marco', name: 'Marco' };

function organization() {
  const app: EnrollmentApplication = { ...startEnrollment({ id: 'a', actor: giulia, now: T0 }), status: 'approved' };
  return ensureMember(createResellerFromEnrollment(app, 'tenant-1', T0), marco, T0);
}

describe('Organization and roles', () => {
  it('makes the applicant the first Admin agent', () => {
    const org = organization();
    expect(hasRole(org, 'u-giulia', 'adminAgent')).to.equal(true);
    expect(hasRole(org, 'u-marco', 'adminAgent')).to.equal(false);
  });

  it('adds a member once', () => {
    const org = organization();
    expect(ensureMember(org, marco, T0)).to.equal(org);
  });

  const cases: [string, Actor, string, Role[], string | undefined][] = [
    ['an admin agent makes a user a sales agent', giulia, 'u-marco', ['salesAgent'], undefined],
    ['an admin agent makes a user an admin agent too', giulia, 'u-marco', ['adminAgent', 'salesAgent'], undefined],
    ['a user without the admin agent role cannot change roles', marco, 'u-marco', ['adminAgent'], 'ORG.NOT_ADMIN_AGENT'],
    ['the last admin agent cannot be removed', giulia, 'u-giulia', ['salesAgent'], 'ORG.LAST_ADMIN_AGENT'],
    ['an unknown user cannot be given roles', giulia, 'u-nobody', ['salesAgent'], 'ORG.UNKNOWN_MEMBER'],
    ['a provider role cannot be granted in a reseller organization', giulia, 'u-marco', ['approver'], 'ORG.ROLE_NOT_GRANTABLE'],
  ];
  for (const [name, actor, target, roles, code] of cases) {
    it(name, () => {
      const result = setRoles(organization(), actor, target, roles, T0);
      expect(result.ok ? undefined : result.error.code).to.equal(code);
      if (result.ok) expect(result.value.members.find((m) => m.userId === target)?.roles).to.deep.equal(roles);
    });
  }
});

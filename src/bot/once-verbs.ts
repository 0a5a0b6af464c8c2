import { COLLEAGUE_VERBS } from './colleague.feature.js';
import { CUSTOMER_VERBS } from './customer.feature.js';
import { ENROLLMENT_VERBS } from './enrollment.feature.js';
import { PROVIDER_VERBS } from './provider.feature.js';
import { RECONCILIATION_VERBS } from './reconciliation.feature.js';

/**
 * The card verbs that change a record (or send mail, or notify someone), collected from the
 * features' `actions`: a click on one of them is claimed once per user, verb, card rendering and
 * inputs. The others only show something (a list, a form, a step) and may be clicked again.
 */
export const STATE_CHANGING_VERBS: ReadonlySet<string> = new Set<string>([
  COLLEAGUE_VERBS.invite,
  COLLEAGUE_VERBS.revoke,
  CUSTOMER_VERBS.draft,
  CUSTOMER_VERBS.addProvider,
  CUSTOMER_VERBS.done,
  CUSTOMER_VERBS.resend,
  CUSTOMER_VERBS.revoke,
  ENROLLMENT_VERBS.alreadyEnrolled,
  ENROLLMENT_VERBS.supportContact,
  ENROLLMENT_VERBS.checklist,
  ENROLLMENT_VERBS.tenant,
  ENROLLMENT_VERBS.mpnSignIn,
  ENROLLMENT_VERBS.mpnSelect,
  ENROLLMENT_VERBS.signInAgain,
  ENROLLMENT_VERBS.legal,
  ENROLLMENT_VERBS.enrollNow,
  ENROLLMENT_VERBS.verify,
  ENROLLMENT_VERBS.resend,
  ENROLLMENT_VERBS.reopen,
  ENROLLMENT_VERBS.approve,
  ENROLLMENT_VERBS.reject,
  ENROLLMENT_VERBS.setRoles,
  PROVIDER_VERBS.request,
  PROVIDER_VERBS.approve,
  PROVIDER_VERBS.decline,
  PROVIDER_VERBS.authorize,
  PROVIDER_VERBS.confirmEnd,
  PROVIDER_VERBS.invite,
  PROVIDER_VERBS.register,
  PROVIDER_VERBS.setApproverRoles,
  RECONCILIATION_VERBS.import,
]);

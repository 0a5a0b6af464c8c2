import { RECONCILIATION_NOTICES, type ReconciliationReport, type ReconciliationService } from '../app/reconciliation.service.js';
import type { NotificationView } from './proactive-notifier.js';
import type { PartnerCenterSignInService } from '../app/partner-center-sign-in.service.js';
import { formatDate, refusal, text } from './presenting.js';
import type { ActionData, Feature } from './feature.js';
import type { Turn } from './turn.js';

/** Card verbs of the reconciliation with Partner Center. */
export const RECONCILIATION_VERBS = {
  show: 'reconcile.show',
  importConfirm: 'reconcile.importConfirm',
  import: 'reconcile.import',
} as const;

/** Rows a card shows (and an import takes) at once; the CSV has them all. */
const ROWS_SHOWN = 40;
const KEYS_MAX = 100;

/**
 * `reconcile` in chat, for provider admins: the differences between the assistant and Partner
 * Center in a card (counts and rows), Import for the rows only Partner Center has (after a
 * confirmation), and the CSV through a short-lived signed link.
 */
export class ReconciliationFeature {
  constructor(
    private readonly service: ReconciliationService,
    private readonly signIn: PartnerCenterSignInService,
  ) {}

  /** The feature as the bot routes to it. */
  feature(): Feature {
    const v = RECONCILIATION_VERBS;
    return {
      name: 'reconciliation',
      commands: [
        { wordsKey: 'partnerCenter.commands.reconcile', descriptionKey: 'partnerCenter.commands.reconcileDescription', run: (turn) => this.show(turn) },
        { wordsKey: 'partnerCenter.commands.signIn', descriptionKey: 'partnerCenter.commands.signInDescription', run: (turn) => this.signInLink(turn) },
      ],
      actions: {
        [v.show]: (turn) => this.show(turn),
        [v.importConfirm]: (turn) => this.show(turn, { confirming: true }),
        [v.import]: (turn, data) => this.import(turn, data),
      },
    };
  }

  /** How the scheduled run's notice looks: the counts, and a button that runs reconcile. */
  notificationViews(): Record<string, NotificationView> {
    return {
      [RECONCILIATION_NOTICES.differences]: async (data, t) => ({
        card: 'provider-notice',
        view: {
          title: t('partnerCenter.reconcile.noticeTitle'),
          body: t('partnerCenter.reconcile.counts', { partnerCenterOnly: Number(data.partnerCenterOnly) || 0, assistantOnly: Number(data.assistantOnly) || 0, mismatch: Number(data.mismatch) || 0 }),
          buttonTitle: t('partnerCenter.reconcile.title'),
          verb: RECONCILIATION_VERBS.show,
        },
      }),
    };
  }

  private async signInLink(turn: Turn): Promise<void> {
    const link = await this.signIn.link(turn.actor);
    if (!link.ok) {
      if (link.error.code.startsWith('ACCESS.')) return turn.refuse(link.error);
      await turn.context.sendActivity(refusal(link.error, turn.t, turn.locale));
      return;
    }
    await turn.show('partner-center-sign-in', { body: turn.t('partnerCenter.signIn.cardBody', { minutes: link.value.minutes }), url: link.value.url });
  }

  private async show(turn: Turn, options: { confirming?: boolean; notice?: string } = {}): Promise<void> {
    const report = await this.service.report(turn.actor);
    if (!report.ok) return turn.refuse(report.error);
    const link = await this.service.downloadLink(turn.actor, turn.locale);
    await turn.show('reconciliation', this.view(turn, report.value, link.ok ? link.value.url : '', options));
  }

  private async import(turn: Turn, data: ActionData): Promise<void> {
    const keys = text(data.keys).split(',').map((k) => k.trim()).filter(Boolean).slice(0, KEYS_MAX);
    const result = await this.service.importFromPartnerCenter(turn.actor, keys);
    if (!result.ok) {
      if (result.error.code.startsWith('ACCESS.')) return turn.refuse(result.error);
      await turn.context.sendActivity(refusal(result.error, turn.t, turn.locale));
      return;
    }
    await this.show(turn, { notice: turn.t('partnerCenter.reconcile.imported', { count: result.value.imported, skipped: result.value.skipped }) });
  }

  private view(turn: Turn, report: ReconciliationReport, csvUrl: string, options: { confirming?: boolean; notice?: string }) {
    const t = turn.t;
    const importable = report.rows.filter((r) => r.kind === 'partnerCenterOnly').slice(0, KEYS_MAX);
    const detail = (r: ReconciliationReport['rows'][number]) =>
      [r.domain, r.tenantId, r.assistantState || r.partnerCenterState ? `${r.assistantState ?? '—'} / ${r.partnerCenterState ?? '—'}` : ''].filter(Boolean).join(' · ');
    const confirming = !!options.confirming && importable.length > 0;
    return {
      intro: t('partnerCenter.reconcile.intro', { at: formatDate(report.at, turn.locale), provider: report.provider.name }),
      hasNotice: !!options.notice,
      notice: options.notice ?? '',
      none: report.rows.length === 0,
      hasRows: report.rows.length > 0,
      counts: t('partnerCenter.reconcile.counts', report.counts),
      rows: report.rows.slice(0, ROWS_SHOWN).map((r) => ({
        text: t('partnerCenter.reconcile.row', { kind: t(`partnerCenter.reconcile.kind.${r.kind}`), what: t(`partnerCenter.reconcile.what.${r.what}`), name: r.name, detail: detail(r) }),
      })),
      hasMore: report.rows.length > ROWS_SHOWN,
      more: t('partnerCenter.reconcile.more', { count: Math.max(0, report.rows.length - ROWS_SHOWN) }),
      canImport: importable.length > 0 && !confirming,
      confirming,
      confirmText: t('partnerCenter.reconcile.importConfirm', { count: importable.length }),
      keys: importable.map((r) => r.key).join(','),
      hasCsv: !!csvUrl,
      csvUrl,
    };
  }
}

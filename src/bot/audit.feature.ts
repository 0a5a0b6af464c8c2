import type { AuditService } from '../app/audit.service.js';
import type { Feature } from './feature.js';
import type { Turn } from './turn.js';

/** Card verbs of the audit trail's export. */
export const AUDIT_VERBS = {
  export: 'audit.export',
} as const;

/**
 * Exporting the organization's audit trail from chat: `export audit` (or the button on the users
 * and approvers cards) answers with a card whose button downloads the CSV through a short-lived
 * signed link; Admin agents of a reseller and provider admins only.
 */
export class AuditFeature {
  constructor(private readonly service: AuditService) {}

  /** The feature as the bot routes to it. */
  feature(): Feature {
    return {
      name: 'audit',
      commands: [{ wordsKey: 'audit.commands.export', descriptionKey: 'audit.commands.exportDescription', run: (turn) => this.export(turn) }],
      actions: { [AUDIT_VERBS.export]: (turn) => this.export(turn) },
    };
  }

  private async export(turn: Turn): Promise<void> {
    const link = await this.service.downloadLink(turn.actor, turn.locale);
    if (!link.ok) return turn.refuse(link.error);
    const { url, organization, entries, minutes } = link.value;
    await turn.show('audit-export', {
      title: turn.t('audit.card.title', { organization }),
      body: turn.t('audit.card.body', { organization, count: entries, minutes }),
      url,
    });
  }
}

import type { AuditEntry } from '../actor.js';

/** The kinds of record an organization's audit trail gathers. */
export const AUDIT_RECORD_TYPES = ['organization', 'provider', 'enrollment', 'providerLink', 'customerInvitation', 'customer'] as const;
/** One kind of record of an audit trail. */
export type AuditRecordType = (typeof AUDIT_RECORD_TYPES)[number];

/** One record's history, with what is needed to name the record and the organizations its people acted for. */
export interface AuditSource {
  readonly type: AuditRecordType;
  /** The record as a person reads it: the other party, the customer company, the organization's name. */
  readonly record: string;
  readonly history: readonly AuditEntry[];
  /** Names of the record's parties by organization id (tenant id, or a customer's record id). */
  readonly parties: Readonly<Record<string, string>>;
  /** For entries written before the organization was kept: the organization of each known person of the parties, by user id. */
  readonly people?: Readonly<Record<string, string>>;
}

/** One line of an exported audit trail, before its event and record type are put in words. */
export interface AuditRow {
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly type: AuditRecordType;
  readonly record: string;
  /** The event, as the record keeps it (`approved`, `authorized`…). */
  readonly what: string;
  readonly who: string;
  readonly organization: string;
  readonly detail: string;
}

/**
 * Every entry of the sources as rows, oldest first. The person's organization is the one the
 * entry names, by the record's parties or else `known` (organizations outside the record); an
 * entry that names none, or one nobody here knows (the operator's), is attributed by who the
 * person is: among the parties' people, or in `known` by user id.
 */
export function auditRows(sources: readonly AuditSource[], known: Readonly<Record<string, string>> = {}): AuditRow[] {
  const rows = sources.flatMap((source) =>
    source.history.map((entry) => ({
      at: utc(entry.at),
      type: source.type,
      record: source.record,
      what: entry.what,
      who: entry.byName,
      organization: organizationOf(entry, source, known),
      detail: entry.detail ?? '',
    })),
  );
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}

function organizationOf(entry: AuditEntry, source: AuditSource, known: Readonly<Record<string, string>>): string {
  const named = entry.org ? (own(source.parties, entry.org) ?? own(known, entry.org)) : undefined;
  return named ?? own(source.people ?? {}, entry.by) ?? own(known, entry.by) ?? entry.org ?? '';
}

function own(map: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** An instant as ISO 8601 in UTC; a value that is no instant is kept as it is. */
function utc(at: string): string {
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? at : new Date(ms).toISOString();
}

/** Who did what to the agreement, and when. Kept for accountability between the two organisations. */
export interface AuditEntry {
  agreementId: string;
  actor: { aadObjectId: string; name: string };
  /** What was done, e.g. `bindChannel`. */
  action: string;
  /** Ids and values of what changed; never the text of a report. */
  details: Record<string, unknown>;
  /** UTC ISO time. */
  at: string;
}

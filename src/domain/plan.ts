import type { Agreement, Group } from './agreement.js';
import type { ChannelBinding } from './channelBinding.js';
import { normalizeForMatching } from './wordMatching.js';

/** The agreement as it stands now, with the channels its groups work in. */
export interface Plan {
  agreement: Agreement;
  bindings: ChannelBinding[];
}

/** The groups whose channel this is (usually one; a small organisation may share a channel). */
export function groupsBoundTo(plan: Plan, channelId: string): Group[] {
  const groupIds = new Set(plan.bindings.filter((b) => b.channelId === channelId).map((b) => b.groupId));
  return plan.agreement.groups.filter((g) => groupIds.has(g.id));
}

/** Finds a group by its id or its name, forgiving case and diacritics ("beredningsgrupp", "EST Fördjupning"). */
export function findGroup(plan: Plan, words: string): Group | undefined {
  const wanted = normalizeForMatching(words);
  if (wanted === '') return undefined;
  return plan.agreement.groups.find(
    (g) => normalizeForMatching(g.id) === wanted || normalizeForMatching(g.name) === wanted,
  );
}

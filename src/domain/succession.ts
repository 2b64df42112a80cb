import type { Group } from './agreement.js';
import type { ChannelBinding } from './channelBinding.js';
import { findGroup, type Plan } from './plan.js';

/**
 * Succession: an agreement that follows another (the next period's) takes over its channels when it starts. The
 * old agreement keeps its own bindings as they are; the new one gets a copy for each of its groups.
 */

/** One channel binding taken over: the successor's binding, and the predecessor's group it came from. */
export interface BindingTakeOver {
  binding: ChannelBinding;
  fromGroupId: string;
}

/** What the successor's plan records once it has taken over its predecessor's channels (even none). */
export interface SuccessionRecord {
  predecessorId: string;
  /** UTC ISO time. */
  at: string;
  bindings: Array<{ groupId: string; fromGroupId: string; channelId: string }>;
}

/**
 * The predecessor's bindings the successor takes over. A predecessor group is the successor's group of the same
 * id, else of the same name (forgiving case and diacritics), else, for the one styrgrupp and the one
 * beredningsgrupp every agreement has, the successor's group of that kind. A group the successor lacks is not taken
 * over, nor one it has bound to a channel already: that binding stays as it is. Each successor group takes one.
 */
export function bindingsToTakeOver(predecessor: Plan, successor: Plan): BindingTakeOver[] {
  const taken = new Set(successor.bindings.map((b) => b.groupId));
  const takeOvers: BindingTakeOver[] = [];
  for (const binding of predecessor.bindings) {
    const group = successorGroupOf(binding.groupId, predecessor, successor);
    if (!group || taken.has(group.id)) continue;
    taken.add(group.id);
    takeOvers.push({ binding: { ...binding, groupId: group.id }, fromGroupId: binding.groupId });
  }
  return takeOvers;
}

function successorGroupOf(groupId: string, predecessor: Plan, successor: Plan): Group | undefined {
  const byId = successor.agreement.groups.find((g) => g.id === groupId);
  if (byId) return byId;
  const old = predecessor.agreement.groups.find((g) => g.id === groupId);
  if (!old) return undefined;
  const byName = findGroup(successor, old.name);
  if (byName) return byName;
  if (old.kind === 'arbetsgrupp') return undefined;
  return successor.agreement.groups.find((g) => g.kind === old.kind);
}

import type { Agreement } from './agreement.js';
import { isOwner } from './checkInRound.js';
import type { Plan } from './plan.js';
import { normalizeForMatching } from './wordMatching.js';

/**
 * Which agreement a conversation is about, when a deployment serves several. A channel is its bound groups'
 * agreement; a person's chat is about the agreements they take part in. When an agreement and the one that
 * follows it both fit, the successor does once it has started: the old one stays readable by naming it.
 */

/** A member of any of the agreement's groups (coordinators included) or an owner of any of its measures. */
export function takesPart(agreement: Agreement, aadObjectId: string | undefined): boolean {
  if (!aadObjectId) return false;
  return (
    agreement.groups.some((g) => g.members.some((m) => m.aadObjectId === aadObjectId)) ||
    agreement.measures.some((m) => isOwner(m, aadObjectId))
  );
}

/** The plans whose groups are bound to this channel, a predecessor left out once its successor has started. */
export function plansOfChannel(plans: readonly Plan[], channelId: string, today: string): Plan[] {
  return current(
    plans.filter((p) => p.bindings.some((b) => b.channelId === channelId)),
    today,
  );
}

/** The plans a person takes part in, a predecessor left out once its successor (theirs too) has started. */
export function plansOfPerson(
  plans: readonly Plan[],
  aadObjectId: string | undefined,
  today: string,
): Plan[] {
  return current(
    plans.filter((p) => takesPart(p.agreement, aadObjectId)),
    today,
  );
}

function current(plans: Plan[], today: string): Plan[] {
  const succeeded = new Set(
    plans
      .filter((p) => p.agreement.follows !== undefined && p.agreement.validFrom <= today)
      .map((p) => p.agreement.follows),
  );
  return plans.filter((p) => !succeeded.has(p.agreement.id));
}

/** A title is at most 300 characters, so at most this many words. */
const maxNameWords = 150;

/**
 * The agreement a message names at its end ("status medborgarlöfte", "rapport 2022-12-01 upplands-vasby-2021"),
 * and the message without it. An agreement is named by its id, its title or its kind (when only one of the
 * candidates is of that kind); the longest name that fits wins, so a title is not mistaken for its kind.
 */
export function agreementNamedIn(
  text: string,
  plans: readonly Plan[],
): { plan: Plan; rest: string } | undefined {
  const words = text.trim().split(/\s+/);
  const kindCount = new Map<string, number>();
  for (const p of plans) kindCount.set(p.agreement.kind, (kindCount.get(p.agreement.kind) ?? 0) + 1);
  const names = plans.flatMap((plan) =>
    [
      plan.agreement.id,
      plan.agreement.title,
      ...(kindCount.get(plan.agreement.kind) === 1 ? [plan.agreement.kind] : []),
    ].map((name) => ({ plan, name: normalizeForMatching(name) })),
  );
  // The command word itself is never the name ("status" alone names nothing), and no name is longer than a
  // title's words: a long message is not searched from its start.
  for (let start = Math.max(1, words.length - maxNameWords); start < words.length; start++) {
    const tail = normalizeForMatching(words.slice(start).join(' '));
    const plansFound = new Set(names.filter((n) => n.name === tail).map((n) => n.plan));
    const [plan, ...others] = plansFound;
    if (plan && others.length === 0) return { plan, rest: words.slice(0, start).join(' ') };
  }
  return undefined;
}

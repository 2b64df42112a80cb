import { z } from 'zod';
import type { Agreement } from '../domain/agreement.js';
import { coordinatorsOf } from '../domain/agreement.js';
import type { Reader } from '../features/dashboard/dashboards.js';
import type { TabTokens, TabTokenRefusal } from './tabToken.js';

/**
 * How the tab knows who reads it. In Teams: the single sign-on token Teams gives the tab, checked against Entra
 * ID. Locally, where the bot runs without an app id and nothing can be signed in to: a development sign-in as one
 * of the agreements' people, which production never allows (config refuses it there). Otherwise nobody.
 */
export type TabSignIn =
  | { kind: 'teams'; tokens: Pick<TabTokens, 'check'> }
  | { kind: 'development'; people: DevelopmentPerson[] }
  | { kind: 'notSetUp' };

export interface DevelopmentPerson {
  aadObjectId: string;
  name: string;
  role: 'coordinator' | 'member' | 'owner' | 'outsider';
}

export type SignInRefusal = 'signIn' | 'notSetUp' | 'keysUnavailable';

/** Someone who takes part in none of the agreements, so the development sign-in can show what they see. */
export const developmentOutsider: DevelopmentPerson = {
  aadObjectId: '00000000-0000-4000-8000-000000000000',
  name: 'Utomstående Testperson',
  role: 'outsider',
};

const bearer = z.string().regex(/^Bearer [A-Za-z0-9_.-]{1,8192}$/);
const development = z.string().regex(/^Dev [0-9a-f-]{36,37}$/i);

/** Who the request's Authorization header says is reading, or why no one is. */
export async function readerOf(
  header: string | undefined,
  signIn: TabSignIn,
): Promise<{ ok: true; reader: Reader } | { ok: false; refusal: SignInRefusal; token?: TabTokenRefusal }> {
  switch (signIn.kind) {
    case 'notSetUp':
      return { ok: false, refusal: 'notSetUp' };
    case 'development': {
      const given = development.safeParse(header);
      const person = given.success
        ? signIn.people.find((p) => p.aadObjectId === given.data.slice(4).toLowerCase())
        : undefined;
      if (!person) return { ok: false, refusal: 'signIn' };
      return { ok: true, reader: { aadObjectId: person.aadObjectId, name: person.name } };
    }
    case 'teams': {
      const given = bearer.safeParse(header);
      if (!given.success) return { ok: false, refusal: 'signIn' };
      const checked = await signIn.tokens.check(given.data.slice(7));
      if (checked.ok)
        return { ok: true, reader: { aadObjectId: checked.person.aadObjectId, name: checked.person.name } };
      return {
        ok: false,
        refusal: checked.refusal === 'keysUnavailable' ? 'keysUnavailable' : 'signIn',
        token: checked.refusal,
      };
    }
  }
}

/** Everyone in the agreements, each once with their weightiest role, coordinators first; and one outsider. */
export function developmentPeople(agreements: readonly Agreement[]): DevelopmentPerson[] {
  const people = new Map<string, DevelopmentPerson>();
  const rank = { coordinator: 0, member: 1, owner: 2, outsider: 3 } as const;
  const add = (aadObjectId: string, name: string, role: DevelopmentPerson['role']) => {
    const id = aadObjectId.toLowerCase();
    const known = people.get(id);
    if (!known || rank[role] < rank[known.role]) people.set(id, { aadObjectId: id, name, role });
  };
  for (const agreement of agreements) {
    for (const p of coordinatorsOf(agreement)) add(p.aadObjectId, p.name, 'coordinator');
    for (const g of agreement.groups) for (const p of g.members) add(p.aadObjectId, p.name, 'member');
    for (const m of agreement.measures) for (const p of m.owners) add(p.aadObjectId, p.name, 'owner');
  }
  return [
    ...[...people.values()].sort((a, b) => rank[a.role] - rank[b.role] || a.name.localeCompare(b.name, 'sv')),
    developmentOutsider,
  ];
}

import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { TabTokens, type TabTokenCheck } from '../../src/tab/tabToken.js';
import { startEntra, type Issuer } from '../harness/entra.js';

/** Every check runs offline against the real verification, with keys made for the test (harness/entra.ts). */
const clientId = '7a1d3c55-6f0b-4b8e-9d6c-2f4e8a1b0c9d';
const domain = 'samverkansbot.example.se';
const tenant = '3f2e1d0c-9b8a-4765-8432-10fedcba9876';
const otherTenant = '11111111-2222-4333-8444-555555555555';
const person = '00000000-0000-0000-0000-0000000000024';
const now = new Date('2026-12-03T10:00:00Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describe('the tab’s single sign-on token, checked against Entra ID’s keys (loopback)', () => {
  let entra: Issuer;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;
  const kid = 'key-1';

  before(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    entra = await startEntra(new Map([[tenant, [jwk]]]));
  });
  after(async () => {
    await entra.close();
  });

  const tokens = (allowedTenantIds: string[] = [tenant]) =>
    new TabTokens({ clientId, domain, allowedTenantIds, authority: entra.authority, now: () => now });

  /** A token as Teams gives it, with `changes` made to its claims, header or key. */
  const token = async (
    changes: { claims?: Record<string, unknown>; key?: CryptoKey; kid?: string; expiresAt?: Date } = {},
  ) =>
    new SignJWT({
      oid: person,
      tid: tenant,
      name: 'Patti Fernandez',
      aud: `api://${domain}/${clientId}`,
      iss: `${entra.authority}/${tenant}/v2.0`,
      ...changes.claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: changes.kid ?? kid })
      .setIssuedAt(seconds(now) - 60)
      .setNotBefore(seconds(now) - 60)
      .setExpirationTime(seconds(changes.expiresAt ?? new Date(now.getTime() + 3600_000)))
      .sign(changes.key ?? signingKey);

  const refusal = (check: TabTokenCheck) => (check.ok ? 'accepted' : check.refusal);

  it('accepts a token of an allowed tenant for this app, and says who is signed in', async () => {
    assert.deepEqual(await tokens().check(await token()), {
      ok: true,
      person: { aadObjectId: person, tenantId: tenant, name: 'Patti Fernandez' },
    });
  });

  it('refuses every token that is not exactly that', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = { oid: person, tid: tenant, aud: `api://${domain}/${clientId}` };
    const unsigned = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const cases: Array<[string, Promise<string>, string]> = [
      ['another key, same key id', token({ key: strangerKey }), 'signature'],
      ['a key the tenant does not publish', token({ kid: 'key-2', key: strangerKey }), 'signature'],
      ['unsigned (alg none)', Promise.resolve(unsigned), 'malformed'],
      ['another app', token({ claims: { aud: `api://${domain}/another-app` } }), 'audience'],
      ['a token for Graph', token({ claims: { aud: 'https://graph.microsoft.com' } }), 'audience'],
      ['another issuer', token({ claims: { iss: 'https://sts.windows.net/x/' } }), 'issuer'],
      ['expired', token({ expiresAt: new Date(now.getTime() - 120_000) }), 'expired'],
      ['no object id', token({ claims: { oid: undefined } }), 'malformed'],
      ['not a token', Promise.resolve('abc.def'), 'malformed'],
    ];
    for (const [what, made, expected] of cases) {
      assert.equal(refusal(await tokens().check(await made)), expected, what);
    }
  });

  it('refuses a tenant that is not allowed without asking for its keys', async () => {
    const before = entra.requests.length;
    const foreign = await token({
      claims: { tid: otherTenant, iss: `${entra.authority}/${otherTenant}/v2.0` },
    });
    assert.equal(refusal(await tokens().check(foreign)), 'tenant');
    assert.equal(entra.requests.length, before, 'no key set was fetched');
    // With no tenant list (development), the tenant's own keys decide: it publishes none here.
    assert.equal(refusal(await tokens([]).check(foreign)), 'keysUnavailable');
  });
});

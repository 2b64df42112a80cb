import type * as JoseModule from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

/** How the tab's single sign-on tokens are checked: whose app they are for and whose people may use it. */
export interface TabTokenSettings {
  /** The app registration's client id (the bot's MicrosoftAppId). */
  clientId: string;
  /** The domain the tab is served from: the token's audience is `api://<domain>/<clientId>`. */
  domain: string;
  /** Tenants whose people may sign in (lower case); empty means any, which only development allows. */
  allowedTenantIds: readonly string[];
  /** Where Entra ID publishes each tenant's keys and names its issuer; tests point it at loopback. */
  authority?: string;
  now?: () => Date;
}

/** Who a valid token says is signed in. */
export interface TabPerson {
  aadObjectId: string;
  tenantId: string;
  name: string;
}

/** Why a token is refused; `keysUnavailable` is the server's trouble (the tenant's keys could not be read), not the token's. */
export type TabTokenRefusal =
  'malformed' | 'tenant' | 'signature' | 'audience' | 'issuer' | 'expired' | 'keysUnavailable';

export type TabTokenCheck = { ok: true; person: TabPerson } | { ok: false; refusal: TabTokenRefusal };

const entraAuthority = 'https://login.microsoftonline.com';
/** Entra ids: GUIDs, and the Agents Playground's test users' look-alikes (a longer last group). */
const entraId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i);
/** What the tab needs of a verified token; anything else in it is ignored. */
const claimsSchema = z.object({ oid: entraId, tid: entraId, name: z.string().max(256).optional() });
/** Keys of at most this many tenants are kept: with no tenant list, a stranger's tenant must not fill memory. */
const maxTenantsKept = 100;

/**
 * Checks the token Teams gives the tab (`authentication.getAuthToken`): an Entra ID v2 access token, signed with
 * a key its tenant publishes, for this app (`aud`), issued by that tenant (`iss`), not expired. The tenant is
 * checked against the allowed ones before its keys are fetched, so that no token makes the server call out for
 * a tenant it does not serve. jose fetches and caches each tenant's key set and refetches it when a token names
 * a key it does not know (Entra rotates them).
 */
type Jose = typeof JoseModule;
let jose: Promise<Jose> | undefined;
/** jose is loaded with the first token, not at start: serving messages never needs it. */
const loadJose = (): Promise<Jose> => (jose ??= import('jose'));

export class TabTokens {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly authority: string;

  constructor(private readonly settings: TabTokenSettings) {
    this.authority = (settings.authority ?? entraAuthority).replace(/\/+$/, '');
  }

  async check(token: string): Promise<TabTokenCheck> {
    const { decodeJwt, errors, jwtVerify } = await loadJose();
    let tenantId: string;
    try {
      const unverified = claimsSchema.pick({ tid: true }).safeParse(decodeJwt(token));
      if (!unverified.success) return refused('malformed');
      tenantId = unverified.data.tid.toLowerCase();
    } catch {
      return refused('malformed');
    }
    const allowed = this.settings.allowedTenantIds;
    if (allowed.length > 0 && !allowed.includes(tenantId)) return refused('tenant');
    try {
      const { payload } = await jwtVerify(token, await this.keysOf(tenantId), {
        algorithms: ['RS256'],
        audience: `api://${this.settings.domain}/${this.settings.clientId}`,
        issuer: `${this.authority}/${tenantId}/v2.0`,
        currentDate: this.settings.now?.() ?? new Date(),
        clockTolerance: 60,
      });
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) return refused('malformed');
      const { oid, tid, name } = claims.data;
      return { ok: true, person: { aadObjectId: oid, tenantId: tid.toLowerCase(), name: name ?? '' } };
    } catch (err) {
      return refused(refusalOf(err, errors));
    }
  }

  private async keysOf(tenantId: string): Promise<JWTVerifyGetKey> {
    const known = this.keySets.get(tenantId);
    if (known) return known;
    if (this.keySets.size >= maxTenantsKept) this.keySets.clear();
    const { createRemoteJWKSet } = await loadJose();
    const keys = createRemoteJWKSet(new URL(`${this.authority}/${tenantId}/discovery/v2.0/keys`));
    this.keySets.set(tenantId, keys);
    return keys;
  }
}

function refused(refusal: TabTokenRefusal): TabTokenCheck {
  return { ok: false, refusal };
}

function refusalOf(err: unknown, errors: Jose['errors']): TabTokenRefusal {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'audience';
    if (err.claim === 'iss') return 'issuer';
    // `nbf` in the future: not valid yet, refused like an expired one.
    if (err.claim === 'nbf') return 'expired';
    return 'malformed';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return 'signature';
  const tokenFaults = [
    errors.JWSInvalid,
    errors.JWTInvalid,
    errors.JOSEAlgNotAllowed,
    errors.JOSENotSupported,
  ];
  if (tokenFaults.some((fault) => err instanceof fault)) return 'malformed';
  // The key set could not be fetched or read (unreachable, not 200, not a key set): nothing said of the token.
  return 'keysUnavailable';
}

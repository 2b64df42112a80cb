/**
 * The Authorization header for the person reading: `Bearer <Teams token>` in Teams, `Dev <id>` in the development
 * sign-in, nothing when the tab is not set up (the server then says so). Asked for before every request, so a
 * Teams token is always current (Teams caches it until shortly before it expires).
 */
export type Authorize = () => Promise<string | undefined>;

/** A GET of the tab's api as the person reading; the answer is never cached, it is for this person only. */
export async function signedFetch(url: string, authorize: Authorize): Promise<Response> {
  const authorization = await authorize();
  return fetch(url, {
    headers: authorization ? { authorization } : {},
    credentials: 'same-origin',
    cache: 'no-store',
  });
}

/** The server's fragment, whatever its status: a refusal is a localized fragment too. */
export async function fetchFragment(
  url: string,
  authorize: Authorize,
): Promise<{ status: number; html: string }> {
  const response = await signedFetch(url, authorize);
  return { status: response.status, html: await response.text() };
}

/** Teams could not sign the person in (no token, or the page is not in Teams): the tab says so in words of its own. */
export class SignInFailed extends Error {
  override name = 'SignInFailed';
  constructor(cause: unknown) {
    super('Teams gave no sign-in token', { cause });
  }
}

/** How long the bot and the playground get to show an answer; a command is answered in 1–3 s on two cores. */
export const answerTimeoutMs = 30_000;

/**
 * Polls `condition` until it returns something other than undefined/false, and returns that. On timeout, throws
 * `describe()`'s text, so a failure says what was awaited and what was there instead.
 */
export async function waitUntil<T>(
  condition: () => Promise<T | undefined | false>,
  describe: () => Promise<string> | string,
  timeoutMs = answerTimeoutMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await condition();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

import { describeError, log } from '../platform/log.js';

/**
 * botframework-connector writes to the console when it refuses a token: the signing keys it knows and a stack
 * trace, many lines per request, none of them JSON. The refusal is logged once by the endpoint
 * (`request.unauthorized`); what the SDK prints goes through the logger as one debug line (`sdk.console`), with
 * the name and message of an error it printed but none of its text, so stdout and stderr stay one JSON line per
 * event.
 */
let quieted = false;

export function quietSdkConsole(): void {
  if (quieted) return;
  quieted = true;
  for (const method of ['error', 'warn', 'log'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (!calledFromSdk()) {
        original(...args);
        return;
      }
      log.debug('sdk.console', { method, ...errorIn(args) });
    };
  }
}

function calledFromSdk(): boolean {
  const stack = new Error().stack ?? '';
  return /node_modules[\\/](botframework-[a-z-]+|botbuilder[a-z-]*)[\\/]/.test(stack);
}

/** An error the SDK printed, by name and message; its own sentences (which list the signing keys) are left out. */
function errorIn(args: unknown[]): Record<string, unknown> {
  const err = args.find((arg) => arg instanceof Error);
  return err ? describeError(err) : {};
}

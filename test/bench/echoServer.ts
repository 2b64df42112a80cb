import { startEchoBot } from './echoBot.js';

/** The echo bot as a process of its own (see benchProcess.ts): tells the parent its URL, stops on SIGTERM. */
const echo = await startEchoBot();
const stop = () => void echo.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
// The benchmark stopped without stopping this process.
process.once('disconnect', stop);
process.send?.({ started: echo.url });

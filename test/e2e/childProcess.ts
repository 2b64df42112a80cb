import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** Children still running; killed if the test run exits without stopping them (an abort, say). */
const running = new Set<Child>();
process.on('exit', () => {
  for (const child of running) child.kill();
});

/**
 * A child process in its own process group, its output kept (the last 200 lines) and copied to a log file. Stopping
 * signals the whole group, so `npx` and the node processes it starts go too.
 */
export class Child {
  private readonly lines: string[] = [];
  private readonly exited: Promise<void>;
  private exitCode: number | null | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    logFile: string,
  ) {
    const log = createWriteStream(logFile, { flags: 'w' });
    let partial = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      if (this.lines.length > 200) this.lines.splice(0, this.lines.length - 200);
      for (const listener of this.listeners) listener();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.exitCode = code;
        running.delete(this);
        log.end();
        for (const listener of this.listeners) listener();
        resolve();
      });
      child.on('error', (err) => {
        this.lines.push(`spawn failed: ${err.message}`);
        this.exitCode = -1;
        running.delete(this);
        resolve();
      });
    });
  }

  private readonly listeners = new Set<() => void>();

  static start(name: string, command: string, args: string[], options: SpawnOptions & { logFile: string }) {
    const { logFile, ...spawnOptions } = options;
    const child = spawn(command, args, {
      ...spawnOptions,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new Child(name, child, logFile);
    running.add(started);
    return started;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The output so far (the last 200 lines). */
  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first output line that matches, or rejects when the process exits or time runs out. */
  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line !== undefined) return finish(() => resolve(line));
        if (!this.running) {
          return finish(() =>
            reject(
              new Error(
                `${this.name} exited (code ${this.exitCode}) before printing ${pattern}:\n${this.output()}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output()}`),
            ),
          ),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        then();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** SIGTERM to the process group, SIGKILL if it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.signal('SIGTERM');
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
    if ((await Promise.race([this.exited.then(() => 'exited' as const), timer])) === 'timeout') {
      this.signal('SIGKILL');
      await this.exited;
    }
  }

  /** SIGKILL to the process group, at once (for a run that is exiting). */
  kill(): void {
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerTimeoutMs, waitUntil } from './waiting.js';

/**
 * Stands in for the OneDrive upload session Teams gives a bot when a person accepts a file consent card: the bot
 * PUTs the whole file to `uploadUrl`. Keeps what was uploaded, by file name.
 */
export class FakeOneDrive {
  private readonly files = new Map<string, Buffer>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakeOneDrive> {
    const server = http.createServer();
    const drive = new FakeOneDrive(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const name = decodeURIComponent(
          new URL(request.url ?? '/', 'http://x').pathname.replace(/^\/upload\//, ''),
        );
        if (request.method === 'PUT') {
          drive.files.set(name, Buffer.concat(chunks));
          response.writeHead(201, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ name }));
        } else {
          response.writeHead(405);
          response.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return drive;
  }

  private get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What a file consent accept carries: where to upload, and where the file will be. */
  uploadInfo(name: string, fileType: string) {
    return {
      name,
      uploadUrl: `${this.origin}/upload/${encodeURIComponent(name)}`,
      contentUrl: `${this.origin}/files/${encodeURIComponent(name)}`,
      uniqueId: `e2e-${name}`,
      fileType,
    };
  }

  async received(name: string): Promise<Buffer> {
    return waitUntil(
      async () => this.files.get(name),
      () => `the bot uploaded no file named ${name} (got: ${[...this.files.keys()].join(', ') || 'none'})`,
      answerTimeoutMs,
    );
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

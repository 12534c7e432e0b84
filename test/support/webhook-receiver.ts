// A subscriber's webhook endpoint on a real port: records every notification it is sent, and can be
// told to fail (as a receiver that is down or broken) for a while.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedNotification {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: any;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedNotification[];
  /** Answer with this status (and record nothing) until set back to 200; 0: record the request but never answer. */
  respondWith(status: number): void;
  /** Resolves once `count` notifications have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedNotification[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hook'): Promise<WebhookReceiver> {
  const received: ReceivedNotification[] = [];
  let status = 200;
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (status === 200 || status === 0) {
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(body);
        } catch {
          json = undefined;
        }
        received.push({ headers: req.headers, body, json, at: Date.now() });
        waiters.splice(0).forEach((w) => w());
      }
      if (status !== 0) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    respondWith: (s) => (status = s),
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} notifications, got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** The `focus` references of a notification Bundle's status entry. */
export function notificationFoci(bundle: any): string[] {
  const status = bundle?.entry?.[0]?.resource;
  return (status?.parameter ?? []).filter((p: any) => p.name === 'notification-event')
    .flatMap((p: any) => p.part.filter((q: any) => q.name === 'focus').map((q: any) => q.valueReference.reference as string));
}

export function notificationType(bundle: any): string | undefined {
  return bundle?.entry?.[0]?.resource?.parameter?.find((p: any) => p.name === 'type')?.valueCode;
}

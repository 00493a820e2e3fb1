import http from 'node:http';
import net from 'node:net';

/** A cuttable proxy in front of the PostgreSQL of `databaseUrl`, listening, and the URL that goes through it. */
export async function postgresProxy(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.listen();
  const through = new URL(databaseUrl);
  through.port = String(proxy.port);
  return { proxy, url: through.toString() };
}

/**
 * A TCP proxy that can be cut: open connections are destroyed and new ones refused until it is restored.
 * Subclasses may watch what clients send by overriding `onClientData` (called for every chunk, per connection).
 */
export class TcpProxy {
  private server: net.Server;
  private sockets = new Set<net.Socket>();
  private down = false;
  /** Connections refused or cut (shows the outage really hit the clients). */
  cuts = 0;
  /** Connections accepted and forwarded. */
  connections = 0;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => {
      if (this.down) {
        this.cuts += 1;
        client.destroy();
        return;
      }
      this.connections += 1;
      const watch = this.onClientData();
      if (watch) client.on('data', watch);
      const upstream = net.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  /** A per-connection observer of the bytes the client sends (none by default). */
  protected onClientData(): ((chunk: Buffer) => void) | undefined {
    return undefined;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.down = true;
    this.cuts += this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface S3FaultOptions {
  /** Every Nth request is answered 500 InternalError (0 = never). */
  failEvery: number;
  /** Every Nth request is held this long before it is forwarded (0 = never). */
  slowEvery: number;
  slowMs: number;
}

/** An HTTP proxy in front of s3rver that answers some requests with 500s, delays others, or fails all during an outage. */
export class FaultyS3Proxy {
  private server: http.Server;
  private count = 0;
  outage = false;
  failures = 0;
  delayed = 0;
  port = 0;

  constructor(private readonly target: URL, private readonly options: S3FaultOptions) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const n = ++this.count;
    const fail = this.outage || (this.options.failEvery > 0 && n % this.options.failEvery === 0);
    if (fail) {
      this.failures += 1;
      req.resume();
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      return;
    }
    if (this.options.slowEvery > 0 && n % this.options.slowEvery === 0) {
      this.delayed += 1;
      await new Promise((resolve) => setTimeout(resolve, this.options.slowMs));
    }
    const upstream = http.request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

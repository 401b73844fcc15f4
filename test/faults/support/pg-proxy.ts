import net from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that a test can cut (every open connection destroyed, the port closed,
 * so new connections are refused) and restore on the same port: PostgreSQL "unreachable" without touching it.
 */
export class PgProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetPort = 5432,
    private readonly targetHost = '127.0.0.1',
  ) {}

  /** Listens (on a free port the first time, on the same port after a cut). */
  async open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Cuts PostgreSQL off: stops listening and destroys every open connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** A database URL that goes through the proxy. */
  url(databaseUrl: string): string {
    const parsed = new URL(databaseUrl);
    parsed.host = `127.0.0.1:${this.port}`;
    return parsed.toString();
  }
}

/**
 * A loopback TCP proxy for fault tests: it forwards to a target until told to reset every
 * connection (a database restart as the client sees it) or to hang (a database that accepts
 * connections and never answers).
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /** Destroys every open connection (both sides). */
  reset(): void;
  /** From now on accepts connections and holds them without forwarding anything; existing ones stall too. */
  hang(): void;
  /** Forwards again (held connections are dropped; new ones go through). */
  recover(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) to `target`. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let hanging = false;
  const track = (socket: Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    if (hanging) return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.on('data', (chunk) => {
      if (!hanging) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!hanging) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const reset = () => {
    for (const socket of open) socket.destroy();
  };
  return {
    port: (server.address() as AddressInfo).port,
    reset,
    hang: () => {
      hanging = true;
    },
    recover: () => {
      hanging = false;
      reset();
    },
    close: () =>
      new Promise<void>((resolve) => {
        reset();
        server.close(() => resolve());
      }),
  };
}

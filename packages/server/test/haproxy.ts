/**
 * A real HAProxy on loopback in front of Parley instances, for the multi-instance tests: HTTP
 * health checks on `/ready`, WebSocket tunnels, and retries of a refused upgrade (503 from a
 * draining instance) on another server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port (closed again, so a child process can take it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once something listens on `port` on loopback. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A running HAProxy. */
export interface Haproxy {
  url: string;
  close(): void;
}

/**
 * Starts HAProxy in front of `backends` (`host:port` each) and waits until it found one ready.
 * `balance` `roundrobin` spreads requests; `first` sends everything to the first ready server (and
 * takes three failed checks to mark it down, so a slow check on a loaded machine cannot move it).
 */
export async function startHaproxy(
  backends: readonly string[],
  balance: 'roundrobin' | 'first' = 'roundrobin',
): Promise<Haproxy> {
  const port = await freePort();
  const workDir = mkdtempSync(join(tmpdir(), 'parley-haproxy-'));
  const config = join(workDir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      '  maxconn 500',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 30s',
      '  timeout server 30s',
      '  timeout tunnel 1h',
      '  option forwardfor',
      '  retries 3',
      '  option redispatch 1',
      '  retry-on conn-failure empty-response 503',
      'frontend web',
      `  bind 127.0.0.1:${port}`,
      '  default_backend parley',
      // Which server answered (p0, p1, …), for tests that must know.
      '  http-response set-header x-served-by %s',
      'backend parley',
      `  balance ${balance}`,
      '  option httpchk',
      // HTTP/1.1 with a Host header (HAProxy's default check is HTTP/1.0 without one).
      '  http-check send meth GET uri /ready ver HTTP/1.1 hdr Host parley.internal',
      '  http-check expect status 200',
      ...backends.map(
        (backend, index) =>
          `  server p${index} ${backend} check inter 200ms fall ${balance === 'first' ? 3 : 1} rise 2 maxconn 200`,
      ),
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-f', config, '-db'], { stdio: 'ignore' });
  const close = () => {
    child.kill('SIGTERM');
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 10_000);
    const url = `http://127.0.0.1:${port}`;
    // HAProxy sends traffic once its health checks found an instance ready.
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${url}/ready`)).status !== 200) {
      if (Date.now() > deadline) throw new Error('HAProxy found no ready instance');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { url, close };
  } catch (error) {
    close();
    throw error;
  }
}

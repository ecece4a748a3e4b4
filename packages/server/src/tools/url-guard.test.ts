import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUrlGuard, OutboundUrlRefusedError, parseOutboundAllowlist } from './url-guard.js';
import type { UrlGuard } from './url-guard.js';
import { webhookTool } from './webhook-tool.js';
import { runTool } from './tool-runner.js';

/** A resolver that answers each name from a script (a hostile DNS server). */
function scriptedLookup(answers: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup = ((
    hostname: string,
    _options: unknown,
    callback: (error: Error | null, addresses: LookupAddress[]) => void,
  ) => {
    calls.push(hostname);
    const queue = answers[hostname];
    const address = queue && queue.length > 1 ? queue.shift()! : queue?.[0];
    if (!address) callback(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }), []);
    else callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  }) as unknown as typeof dnsLookup;
  return { lookup, calls };
}

const toolContext = {
  callId: 'c',
  agent: { id: 'a', name: 'A', config: {} },
  conversationId: null,
  now: () => new Date(),
  requestEnd: () => undefined,
  log: () => undefined,
} as unknown as Parameters<typeof runTool>[2];

describe('the outbound URL guard', () => {
  let internalPort: number;
  let internalHits = 0;
  const internal = createServer((_request, response) => {
    internalHits += 1;
    response.setHeader('content-type', 'application/json');
    response.end('{"secret":"internal-answer"}');
  });
  const guards: UrlGuard[] = [];
  const guard = (...parameters: Parameters<typeof createUrlGuard>) => {
    const created = createUrlGuard(...parameters);
    guards.push(created);
    return created;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalPort = (internal.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const created of guards) await created.close();
    internal.close();
  });

  it('refuses loopback, private, link-local, metadata and non-http URLs at save time', async () => {
    const strict = guard();
    for (const url of [
      'http://127.0.0.1/hook',
      'http://localhost:8080/',
      'http://169.254.169.254/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://10.0.0.5/',
      'http://192.168.1.1/',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
      'http://intranet/',
      'file:///etc/passwd',
      'gopher://93.184.216.34/',
    ]) {
      await expect(strict.check(url), url).rejects.toBeInstanceOf(OutboundUrlRefusedError);
    }
    await expect(strict.check('https://93.184.216.34/hook')).resolves.toBeInstanceOf(URL);
  });

  it('refuses a public-looking name that resolves to an internal address', async () => {
    const { lookup } = scriptedLookup({ 'hooks.example.com': ['10.1.2.3'] });
    await expect(guard([], { lookup }).check('https://hooks.example.com/x')).rejects.toThrow(
      'the URL points to an address that is not allowed',
    );
  });

  it('checks the address it connects to, so a rebinding DNS answer cannot reach inside', async () => {
    // Public when saved, loopback when called.
    const { lookup, calls } = scriptedLookup({
      'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
    });
    const rebinding = guard([], { lookup });
    await rebinding.check(`http://rebind.example.com:${internalPort}/`);
    const hits = internalHits;
    const tool = webhookTool(
      {
        id: 't',
        name: 'lookup',
        description: '',
        parameters: { type: 'object', properties: {} },
        kind: 'webhook',
        url: `http://rebind.example.com:${internalPort}/`,
        hasSecret: false,
        secret: null,
        timeoutMs: 2000,
        maxResponseBytes: 1024,
        createdAt: '',
        updatedAt: '',
      },
      rebinding,
    );
    const result = await runTool(tool, '{}', toolContext);
    const output = JSON.parse(result.output) as { error: { code: string; message: string } };
    expect(output.error.code).toBe('url_refused');
    expect(result.output).not.toContain('internal-answer');
    expect(result.output).not.toContain('127.0.0.1');
    expect(internalHits).toBe(hits);
    expect(calls.filter((name) => name === 'rebind.example.com')).toHaveLength(2);
  });

  it('lets an allowlisted name or range through and connects to the address it checked', async () => {
    const { lookup } = scriptedLookup({ 'hooks.corp.example': ['127.0.0.1'] });
    const byName = guard(parseOutboundAllowlist(' Hooks.Corp.Example '), { lookup });
    const response = await byName.fetch(`http://hooks.corp.example:${internalPort}/`, {
      method: 'GET',
    });
    expect(await response.json()).toEqual({ secret: 'internal-answer' });
    const byRange = guard(['127.0.0.0/8']);
    expect(
      (await byRange.fetch(`http://127.0.0.1:${internalPort}/`, { method: 'GET' })).status,
    ).toBe(200);
  });

  it('reports an unreachable allowed host without naming the address or port', async () => {
    const open = guard(['127.0.0.1']);
    const tool = webhookTool(
      {
        id: 't',
        name: 'lookup',
        description: '',
        parameters: { type: 'object', properties: {} },
        kind: 'webhook',
        url: 'http://127.0.0.1:9/closed',
        hasSecret: false,
        secret: null,
        timeoutMs: 2000,
        maxResponseBytes: 1024,
        createdAt: '',
        updatedAt: '',
      },
      open,
    );
    const result = await runTool(tool, '{}', toolContext);
    expect(JSON.parse(result.output).error).toEqual({
      code: 'unreachable',
      message: 'the tool could not be reached',
    });
  });
});

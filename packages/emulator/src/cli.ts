#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.js';
import type { SpeechEngine } from './speech.js';

const HELP = `parley-emulator: a local OpenAI Realtime-protocol server

Usage: parley-emulator [options]

  --port <n>            port (default 8790; 0 picks a free one)
  --host <address>      interface (default 127.0.0.1)
  --tls                 serve wss:/https: with a self-signed certificate generated at start
  --cert-out <file>     where to write that certificate (default: <tmp>/parley-emulator-cert.pem)
  --speech-rate <x>     pace audio at x times real time (default 1)
  --speech-engine <e>   auto | espeak-ng | generated (default auto)
  --require-key <key>   accept only this API key (repeatable); default: any non-empty key
  --session-minutes <m> session cap before session_expired (default 60)
  --allow-beta          accept the retired beta shape (old recordings, Azure preview deployments);
                        without it a beta connection closes with 4000 beta_api_shape_disabled
  --no-preambles        gpt-realtime-2 models call tools without the preamble message they say
                        before a call by default
  --help                show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    allowNegative: true,
    options: {
      port: { type: 'string', default: '8790' },
      host: { type: 'string', default: '127.0.0.1' },
      tls: { type: 'boolean', default: false },
      'cert-out': { type: 'string' },
      'speech-rate': { type: 'string', default: '1' },
      'speech-engine': { type: 'string', default: 'auto' },
      'require-key': { type: 'string', multiple: true },
      'session-minutes': { type: 'string', default: '60' },
      'allow-beta': { type: 'boolean', default: false },
      preambles: { type: 'boolean', default: true },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const port = Number(values.port);
  const speechRate = Number(values['speech-rate']);
  const minutes = Number(values['session-minutes']);
  const engine = values['speech-engine'] as SpeechEngine;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  if (!(speechRate > 0))
    throw new Error(`--speech-rate must be positive, got ${values['speech-rate']}`);
  if (!(minutes > 0))
    throw new Error(`--session-minutes must be positive, got ${values['session-minutes']}`);
  if (!['auto', 'espeak-ng', 'generated'].includes(engine))
    throw new Error(`--speech-engine must be auto, espeak-ng or generated`);
  const emulator = await startEmulator({
    port,
    host: values.host,
    tls: values.tls,
    speechRate,
    speechEngine: engine,
    requireKey: values['require-key'],
    maxSessionMs: minutes * 60_000,
    allowBeta: values['allow-beta'],
    preambles: values.preambles,
  });
  const lines = [
    `Parley emulator listening on ${emulator.url}`,
    `  HTTP: ${emulator.httpUrl} (POST /v1/realtime/client_secrets, /v1/realtime/sessions, /v1/realtime/calls)`,
    `  GPT-Live: ${emulator.liveUrl} (sideband …/{id}/attach, fork …/{id}/fork, POST /v1/live/sessions)`,
    `  speech: ${emulator.speechEngine}`,
  ];
  if (emulator.certificate) {
    const certPath = values['cert-out'] ?? join(tmpdir(), 'parley-emulator-cert.pem');
    writeFileSync(certPath, emulator.certificate);
    lines.push(`  TLS certificate (self-signed, trust it as a CA): ${certPath}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `parley-emulator: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

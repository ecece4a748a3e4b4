import { generate } from 'selfsigned';
import { isIP } from 'node:net';

/** A PEM certificate and its private key. */
export interface TlsCredentials {
  cert: string;
  key: string;
}

/**
 * Generates a self-signed certificate (EC P-256, SHA-256, valid for 30 days) for `localhost`,
 * `127.0.0.1`, `::1` and `host`. It is its own CA, so a client trusts it by passing the PEM as
 * `ca` (Node TLS / `ws`) instead of turning verification off.
 */
export async function generateSelfSignedCertificate(host = '127.0.0.1'): Promise<TlsCredentials> {
  const altNames: Array<{ type: 2; value: string } | { type: 7; ip: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (
    host &&
    host !== '0.0.0.0' &&
    host !== '::' &&
    host !== 'localhost' &&
    host !== '127.0.0.1' &&
    host !== '::1'
  ) {
    altNames.push(isIP(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const now = new Date();
  const pems = await generate([{ name: 'commonName', value: 'Parley emulator (localhost)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: new Date(now.getTime() + 30 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

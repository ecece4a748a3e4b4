import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** An OpenAI-style error body: `{ error: { message, type, param, code } }`. */
export function errorBody(
  message: string,
  code: string | null,
  type = 'invalid_request_error',
  param: string | null = null,
) {
  return { error: { message, type, param, code } };
}

/** Browsers on other origins (a dev server) may call the HTTP endpoints directly. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, openai-beta, api-key',
};

/** Answers with a JSON body and the CORS headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

/** Refuses a WebSocket upgrade with an HTTP status and a JSON body, as the real endpoint does. */
export function rejectUpgrade(socket: Duplex, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  const reason =
    status === 401
      ? 'Unauthorized'
      : status === 404
        ? 'Not Found'
        : status === 403
          ? 'Forbidden'
          : 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(data)}\r\nConnection: close\r\n\r\n${data}`,
  );
}

/** Reads a request body up to `limit` bytes (then rejects and destroys the request). */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

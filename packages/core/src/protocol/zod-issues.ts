import type { z } from 'zod';
import type { ProtocolIssue } from './errors.js';

/** zod's issues as protocol issues (symbol path parts as strings), for the zod-checked parsers. */
export function zodIssues(error: z.ZodError): ProtocolIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
    code: issue.code,
  }));
}

import type { EmulatorHandle } from '@parley/emulator';
import type { ParleyServer } from '@parley/server';

export interface Stack {
  /** `http://127.0.0.1:<port>`: the demo at `/`, the API under `/api`. */
  url: string;
  parley: ParleyServer;
  emulator: EmulatorHandle;
  close(): Promise<void>;
}
export declare function startStack(options: {
  demoDir: string;
  speechRate?: number;
  speechEngine?: 'auto' | 'espeak-ng' | 'generated';
  /** The server's limits (sessions per client and so on), over its defaults. */
  limits?: Record<string, number>;
}): Promise<Stack>;

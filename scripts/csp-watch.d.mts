import type { Page } from 'playwright-core';

/** Starts collecting CSP violations in `page` (events of every document and console reports). */
export function watchCsp(page: Page): Promise<{ violations(): string[] }>;

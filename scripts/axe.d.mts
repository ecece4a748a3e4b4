import type { Page } from 'playwright-core';

/** The colour schemes and widths every page is checked in. */
export const accessibilityMatrix: readonly {
  colorScheme: 'light' | 'dark';
  width: number;
  height: number;
}[];

/** Axe's violations on the page as it is now, one line per failing element. */
export function axeViolations(page: Page, axeSource: string): Promise<string[]>;

/** What makes the document wider than the viewport; empty when nothing overflows sideways. */
export function horizontalOverflow(page: Page): Promise<string[]>;

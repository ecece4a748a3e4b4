// Runs axe-core in a Playwright page and returns its violations in a form a failing test can print.
// Shared by the demo's and the admin's accessibility suites; each passes the axe source it depends on
// (`import axe from 'axe-core'`), so this file needs no dependency of its own.

/** The colour schemes and widths every page is checked in. */
export const accessibilityMatrix = [
  { colorScheme: 'light', width: 1280, height: 800 },
  { colorScheme: 'dark', width: 1280, height: 800 },
  { colorScheme: 'light', width: 360, height: 740 },
  { colorScheme: 'dark', width: 360, height: 740 },
];

/**
 * Axe's violations on the page as it is now (WCAG 2.x A and AA rules and axe's best practices),
 * one line per failing element.
 *
 * @param {import('playwright-core').Page} page
 * @param {string} axeSource
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page, axeSource) {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error axe is the global the injected script defines.
    const results = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return results.violations.map((violation) => ({
      id: violation.id,
      help: violation.help,
      nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary}`),
    }));
  });
  return violations.flatMap((violation) =>
    violation.nodes.map(
      (node) => `${violation.id} (${violation.help}) ${node.replace(/\s+/g, ' ')}`,
    ),
  );
}

/**
 * How much wider than the viewport the document is (0 when nothing overflows sideways).
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number>}
 */
export function horizontalOverflow(page) {
  return page.evaluate(() =>
    Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth),
  );
}

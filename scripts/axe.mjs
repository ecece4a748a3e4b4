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
 * What makes the document wider than the viewport: an empty list when nothing overflows sideways,
 * else the overflow in pixels and the outermost elements reaching past the right edge.
 *
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export function horizontalOverflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    if (overflow <= 0) return [];
    const limit = root.clientWidth;
    const describe = (element) =>
      `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${[...element.classList].map((name) => `.${name}`).join('')}`;
    const culprits = [];
    for (const element of document.body.querySelectorAll('*')) {
      const right = element.getBoundingClientRect().right;
      if (right <= limit + 0.5) continue;
      // Only the outermost: skip an element whose parent already overflows.
      const parent = element.parentElement;
      if (parent && parent !== document.body && parent.getBoundingClientRect().right > limit + 0.5)
        continue;
      culprits.push(`${describe(element)} (right edge ${Math.round(right)} px)`);
      if (culprits.length === 5) break;
    }
    return [`the document is ${overflow} px wider than the screen: ${culprits.join(', ')}`];
  });
}

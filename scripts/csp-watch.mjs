// Collects Content-Security-Policy violations in a Playwright page: the `securitypolicyviolation`
// events of every document it loads (reported from before the app's first script) and the console
// reports Chromium prints for blocked loads (worklets, workers, sockets). Shared by the apps'
// security-header tests.

/** Starts watching `page` (call before its first navigation). */
export async function watchCsp(page) {
  const seen = [];
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|Refused to (load|connect|execute|apply|create|frame)/i.test(text))
      seen.push(`console: ${text}`);
  });
  await page.exposeFunction('__parleyCspViolation', (line) => void seen.push(line));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__parleyCspViolation(
        `${event.effectiveDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  return { violations: () => [...seen] };
}

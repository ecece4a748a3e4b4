// @vitest-environment node
// The first run in real Chromium: a server with no admin sends its first visitor to the setup form,
// words a wrong setup token as such, and stops offering setup once an admin exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ParleyServer } from '@parley/server';
import { startConsole } from './console-stack';
import type { ConsoleStack } from './console-stack';

let stack: ConsoleStack | undefined;
let parley: ParleyServer | undefined;
let origin = '';
let page: Page;

beforeAll(async () => {
  // No admin account: the server prints a setup token and the console offers setup.
  stack = await startConsole({
    name: 'first-run',
    admin: false,
    viewport: { width: 1280, height: 800 },
  });
  ({ parley, origin, page } = stack);
});

afterAll(async () => {
  await stack?.close();
});

describe('the first run of the admin console', () => {
  it('sends the first visitor to the setup form, and says a wrong token is the token', async () => {
    expect(parley!.setupToken).not.toBeNull();
    await page.goto(`${origin}/admin/`);
    await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
    await page.fill('input[name=token]', 'not-the-token-the-server-printed');
    await page.fill('input[name=email]', 'owner@example.com');
    await page.fill('input[name=password]', 'a long enough password');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'setup token' });
    await alert.waitFor();
    expect(await alert.textContent()).not.toContain('email and password');

    await page.fill('input[name=token]', parley!.setupToken!);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  });

  it('offers no setup once an admin exists, and names the page a sign-in leads to', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    // Signing out ends on the sign-in page once the server answered; going elsewhere before that
    // would be overtaken by it (and lose the destination the test reads).
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.goto(`${origin}/admin/#/conversations`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('Sign in to open Conversations.').waitFor();
    // The setup status has answered by now (the page asked as it opened).
    await page.waitForLoadState('networkidle');
    expect(await page.getByText('Create the first admin').count()).toBe(0);
    expect(await page.locator('code').count()).toBe(0);
  });
});

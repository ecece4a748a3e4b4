import { act, cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Transcript } from './transcript.js';
import { assistantMessage, functionCall } from '../test-utils/items.js';
import { createFakeSession, renderWithSession, userMessage } from '../test-utils/render.js';

afterEach(cleanup);

for (const strict of [false, true]) {
  describe(`Transcript${strict ? ' (StrictMode)' : ''}`, () => {
    it('is a log named "Transcript"', () => {
      renderWithSession(<Transcript />, createFakeSession(), { strict });
      expect(screen.getByRole('log', { name: 'Transcript' })).toBeTruthy();
    });

    it('shows messages in order and streams text as it changes', () => {
      const session = createFakeSession({
        items: [
          userMessage('u1', 'What are your fees?'),
          assistantMessage('a1', 'Our', { streaming: true }),
        ],
      });
      renderWithSession(<Transcript />, session, { strict });
      const log = screen.getByRole('log', { name: 'Transcript' });
      expect(log.textContent).toContain('What are your fees?');
      act(() =>
        session.setSnapshot({
          items: [
            userMessage('u1', 'What are your fees?'),
            assistantMessage('a1', 'Our fees are paid by the seller.'),
          ],
        }),
      );
      expect(log.textContent).toContain('Our fees are paid by the seller.');
    });

    it('marks an interrupted answer and strikes the part that was not heard', () => {
      const session = createFakeSession({
        items: [
          assistantMessage('a1', 'Our fees are paid by the seller at closing.', {
            interrupted: true,
            heardText: 'Our fees are paid',
            audioEndMs: 900,
          }),
        ],
      });
      const { container } = renderWithSession(<Transcript />, session, { strict });
      const item = container.querySelector('[data-item-id="a1"]')!;
      expect(item.getAttribute('data-interrupted')).toBe('true');
      expect(within(item as HTMLElement).getByText('Interrupted')).toBeTruthy();
      expect(item.querySelector('.said')!.textContent).toBe('Our fees are paid');
      expect(item.querySelector('.unheard--cut')!.textContent).toBe(' by the seller at closing.');
    });

    it('shows a tool call as a card with its name, arguments, result and duration', () => {
      const session = createFakeSession({ items: [functionCall()] });
      renderWithSession(<Transcript />, session, { strict });
      const card = screen.getByRole('article', { name: 'Tool call search_knowledge_base' });
      expect(card.textContent).toContain('"query": "fees"');
      expect(card.textContent).toContain('"title": "Fees"');
      expect(card.textContent).toContain('142 ms');
      expect(card.textContent).toContain('Done');
    });

    it('shows a failed tool call with its error', () => {
      const session = createFakeSession({
        items: [
          functionCall({
            status: 'failed',
            output: null,
            error: { code: 'timeout', message: 'The tool took longer than 15 s.', issues: [] },
          }),
        ],
      });
      renderWithSession(<Transcript />, session, { strict });
      const card = screen.getByRole('article', { name: 'Tool call search_knowledge_base' });
      expect(card.textContent).toContain('Failed');
      expect(card.textContent).toContain('The tool took longer than 15 s.');
    });
  });
}

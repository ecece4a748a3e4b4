import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Transcript } from './transcript.js';
import { assistantMessage, functionCall, mcpApproval, mcpCall } from '../test-utils/items.js';
import { createFakeVoiceSession, userMessage } from '@parley/core/test-utils';
import { actOnSession, renderWithSession } from '../test-utils/render.js';

afterEach(cleanup);

for (const strict of [false, true]) {
  describe(`Transcript${strict ? ' (StrictMode)' : ''}`, () => {
    it('is a log named "Transcript"', () => {
      renderWithSession(<Transcript />, createFakeVoiceSession(), { strict });
      expect(screen.getByRole('log', { name: 'Transcript' })).toBeTruthy();
    });

    it('shows messages in order and streams text as it changes', () => {
      const session = createFakeVoiceSession({
        items: [
          userMessage('u1', 'What are your fees?'),
          assistantMessage('a1', 'Our', { streaming: true }),
        ],
      });
      renderWithSession(<Transcript />, session, { strict });
      const log = screen.getByRole('log', { name: 'Transcript' });
      expect(log.textContent).toContain('What are your fees?');
      actOnSession(() =>
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
      const session = createFakeVoiceSession({
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

    it('shows the part of a playing answer not heard yet in a lighter style', () => {
      vi.useFakeTimers({ toFake: ['requestAnimationFrame', 'cancelAnimationFrame'] });
      try {
        const session = createFakeVoiceSession({
          turn: 'agent_speaking',
          items: [assistantMessage('a1', 'Our fees are paid by the seller.', { streaming: true })],
        });
        session.setPlayhead('a1', { heardMs: 0, receivedMs: 2000 });
        const { container } = renderWithSession(<Transcript />, session, { strict });
        const item = container.querySelector('[data-item-id="a1"]')!;
        expect(item.querySelector('.said')!.textContent).toBe('');
        expect(item.querySelector('.unheard')!.getAttribute('title')).toBe('Not heard yet');
        actOnSession(() => {
          session.setPlayhead('a1', { heardMs: 1000, receivedMs: 2000 });
          vi.advanceTimersToNextFrame();
        });
        expect(item.querySelector('.said')!.textContent).toBe('Our fees are');
        expect(item.querySelector('.unheard')!.textContent).toBe(' paid by the seller.');
        expect(item.querySelector('.unheard--cut')).toBeNull();
        expect(item.getAttribute('data-interrupted')).toBeNull();
        actOnSession(() => {
          session.setPlayhead('a1', { heardMs: 2000, receivedMs: 2000, playing: false });
          vi.advanceTimersToNextFrame();
        });
        expect(item.querySelector('.said')!.textContent).toBe('Our fees are paid by the seller.');
        expect(item.querySelector('.unheard')).toBeNull();
      } finally {
        vi.useRealTimers();
      }
    });

    it('shows a tool call as a card with its name, arguments, result and duration', () => {
      const session = createFakeVoiceSession({ items: [functionCall()] });
      renderWithSession(<Transcript />, session, { strict });
      const card = screen.getByRole('article', { name: 'Tool call search_knowledge_base' });
      expect(card.textContent).toContain('"query": "fees"');
      expect(card.textContent).toContain('"title": "Fees"');
      expect(card.textContent).toContain('142 ms');
      expect(card.textContent).toContain('Done');
    });

    it('shows a failed tool call with its error', () => {
      const session = createFakeVoiceSession({
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

    it('shows an MCP call as a card with its server, arguments and result, and a failed one with its error', () => {
      const session = createFakeVoiceSession({
        items: [
          mcpCall(),
          mcpCall({
            id: 'item_mcp2',
            name: 'cancel_order',
            arguments: '{"order_number":"A-17"}',
            status: 'failed',
            output: null,
            error: { type: 'tool_execution_error', message: 'order not found', code: null },
            approvalRequestId: 'item_approval',
          }),
        ],
      });
      renderWithSession(<Transcript />, session, { strict });
      const card = screen.getByRole('article', { name: 'MCP tool call lookup_opening_hours' });
      expect(card.textContent).toContain('"city": "Oslo"');
      expect(card.textContent).toContain('"hours": "9 to 5"');
      expect(card.textContent).toContain('Done');
      expect(card.textContent).toContain('Run by MCP server docs');
      const failed = screen.getByRole('article', { name: 'MCP tool call cancel_order' });
      expect(failed.textContent).toContain('Failed');
      expect(failed.textContent).toContain('order not found');
      expect(failed.textContent).toContain('approved');
    });

    it('shows an MCP approval request with its decision as it changes, and no MCP listing', () => {
      const session = createFakeVoiceSession({
        items: [
          {
            type: 'mcp_list_tools',
            id: 'item_list',
            serverLabel: 'docs',
            status: 'completed',
            tools: [],
            responseId: null,
            createdAt: 0,
          },
          mcpApproval(),
        ],
      });
      renderWithSession(<Transcript />, session, { strict });
      const card = screen.getByRole('article', { name: 'Approval request cancel_order' });
      expect(card.textContent).toContain('Awaiting approval');
      expect(card.textContent).toContain('"order_number": "A-17"');
      expect(screen.getAllByRole('article')).toHaveLength(1);
      actOnSession(() =>
        session.setSnapshot({
          items: [mcpApproval({ decision: 'denied', reason: 'Orders are cancelled by staff.' })],
        }),
      );
      const decided = screen.getByRole('article', { name: 'Approval request cancel_order' });
      expect(decided.textContent).toContain('Denied');
      expect(decided.textContent).toContain('Orders are cancelled by staff.');
    });
  });
}

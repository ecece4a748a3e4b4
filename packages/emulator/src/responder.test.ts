import { describe, expect, it } from 'vitest';
import type { StoredItem } from './conversation.js';
import { GREETING, planReply, toolNameVariants } from './responder.js';

const user = (text: string): StoredItem => ({
  id: 'u',
  type: 'message',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_text', text }],
});
const weather = {
  type: 'function' as const,
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('reply rules', () => {
  it('greets when there is no user message, and repeats what the user typed', () => {
    expect(planReply({ items: [], tools: [], toolChoice: 'auto' })).toEqual({
      kind: 'message',
      text: GREETING,
    });
    expect(planReply({ items: [user('Hi there')], tools: [], toolChoice: 'auto' })).toEqual({
      kind: 'message',
      text: 'You said: Hi there',
    });
  });

  it('describes audio it has no words for by its duration', () => {
    const audio: StoredItem = {
      id: 'a',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
      audioMs: 2345,
      spokenText: '[speech 2.3 s]',
      spokenTextSupplied: false,
    };
    expect(planReply({ items: [audio], tools: [], toolChoice: 'auto' })).toEqual({
      kind: 'message',
      text: 'I heard 2.3 seconds of speech.',
    });
  });

  it('calls a tool the user names, unless tool_choice is none', () => {
    expect(
      planReply({
        items: [user('what does get weather say')],
        tools: [weather],
        toolChoice: 'auto',
      }),
    ).toEqual({ kind: 'function_call', name: 'get_weather', arguments: '{"city":"example city"}' });
    expect(
      planReply({
        items: [user('what does get weather say')],
        tools: [weather],
        toolChoice: 'none',
      }).kind,
    ).toBe('message');
  });

  it('calls the forced tool, or the first tool when one is required', () => {
    const other = { type: 'function' as const, name: 'book_table' };
    expect(
      planReply({
        items: [user('hello')],
        tools: [other, weather],
        toolChoice: { type: 'function', name: 'get_weather' },
      }),
    ).toMatchObject({ name: 'get_weather' });
    expect(
      planReply({ items: [user('hello')], tools: [other, weather], toolChoice: 'required' }),
    ).toMatchObject({ name: 'book_table', arguments: '{}' });
  });

  it('answers a function output with a sentence that uses it', () => {
    const items: StoredItem[] = [
      user('weather?'),
      {
        id: 'c',
        type: 'function_call',
        status: 'completed',
        name: 'get_weather',
        call_id: 'call_1',
        arguments: '{}',
      },
      {
        id: 'o',
        type: 'function_call_output',
        status: 'completed',
        call_id: 'call_1',
        output: '{"temp_c":21,"sky":"clear"}',
      },
    ];
    expect(
      planReply({ items, tools: [weather], toolChoice: { type: 'function', name: 'get_weather' } }),
    ).toEqual({ kind: 'message', text: 'The get weather result: temp c is 21, sky is clear.' });
  });

  it('knows the spoken forms of tool names', () => {
    expect(toolNameVariants('getWeatherNow')).toEqual(['getweathernow', 'get weather now']);
    expect(toolNameVariants('lead-capture')).toEqual(['lead-capture', 'lead capture']);
  });
});

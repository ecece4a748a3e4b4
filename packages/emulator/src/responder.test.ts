import { describe, expect, it } from 'vitest';
import type { StoredItem } from './conversation.js';
import { GREETING, planReply, type ReplyContext, type ReplyPlan } from './responder.js';

let counter = 0;
const user = (text: string): StoredItem => ({
  id: `u${++counter}`,
  type: 'message',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_text', text }],
});
const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
/** Tools shaped like the Parley server's built-ins (the emulator cannot import the server). */
const captureLead = {
  type: 'function' as const,
  name: 'capture_lead',
  description:
    "Save the visitor's contact details so a person follows up. Call it once you have their name and an email or phone number.",
  parameters: {
    type: 'object',
    properties: {
      name: { type: 'string', description: "The visitor's full name" },
      email: { type: 'string', format: 'email', description: 'Email address, if given' },
      phone: { type: 'string', description: 'Phone number, if given' },
      notes: { type: 'string', description: 'What they want, in a sentence or two' },
    },
    required: ['name'],
  },
};
const scheduleCall = {
  type: 'function' as const,
  name: 'schedule_call',
  description:
    'Book a call back at a time the visitor chose. The time must be in the future, as ISO 8601 with a UTC offset.',
  parameters: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      contact: { type: 'string', description: 'Phone number or email to call back on' },
      startsAt: { type: 'string', format: 'date-time' },
      notes: { type: 'string' },
    },
    required: ['name', 'contact', 'startsAt'],
  },
};
const analyzeDeal = {
  type: 'function' as const,
  name: 'analyze_property_deal',
  description:
    'Compute the numbers of a rental property: cap rate, cash-on-cash return, monthly cash flow. Ask for price and rent.',
  parameters: {
    type: 'object',
    properties: {
      purchasePrice: {
        type: 'number',
        exclusiveMinimum: 0,
        description: 'Purchase price in dollars',
      },
      monthlyRent: { type: 'number', minimum: 0, description: 'Expected gross monthly rent' },
      downPaymentPercent: { type: 'number', minimum: 0, maximum: 100, default: 20 },
    },
    required: ['purchasePrice', 'monthlyRent', 'downPaymentPercent'],
  },
};
const searchKnowledge = {
  type: 'function' as const,
  name: 'search_knowledge_base',
  description: "Search the business's documents. Use it before answering factual questions.",
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'What to look for, in a few words' } },
    required: ['query'],
  },
};
const endConversation = {
  type: 'function' as const,
  name: 'end_conversation',
  description: 'End the conversation after saying goodbye, when the visitor is done.',
  parameters: { type: 'object', properties: { reason: { type: 'string' } } },
};
const tools = [analyzeDeal, searchKnowledge, captureLead, scheduleCall, endConversation];
const instructions =
  'You are Cap, the voice assistant of Keystone Realty, a brokerage.\n\nCurrent date and time: 2026-12-06T13:05:00-05:00 (America/New_York)';

/** Plans replies until a message, answering each call with `output(name)`. */
function converse(
  texts: string[],
  output: (name: string) => unknown = () => ({ ok: true }),
): { plans: ReplyPlan[]; items: StoredItem[] } {
  const items: StoredItem[] = [];
  const plans: ReplyPlan[] = [];
  for (const text of texts) {
    items.push(user(text));
    for (let step = 0; step < 5; step++) {
      const plan = planReply({ items, tools, toolChoice: 'auto', instructions });
      plans.push(plan);
      if (plan.kind === 'message') break;
      const callId = `call_${++counter}`;
      items.push({
        id: `c${counter}`,
        type: 'function_call',
        status: 'completed',
        name: plan.name,
        call_id: callId,
        arguments: plan.arguments,
      });
      items.push({
        id: `o${counter}`,
        type: 'function_call_output',
        status: 'completed',
        call_id: callId,
        output: JSON.stringify(output(plan.name)),
      });
    }
  }
  return { plans, items };
}
const calls = (plans: ReplyPlan[]) =>
  plans.flatMap((plan) =>
    plan.kind === 'function_call' ? [[plan.name, JSON.parse(plan.arguments) as unknown]] : [],
  );
const plan = (context: Partial<ReplyContext>) =>
  planReply({ items: [], tools, toolChoice: 'auto', instructions, ...context });

describe('reply rules', () => {
  it('says the greeting the response instructions quote, word for word', () => {
    expect(
      plan({
        responseInstructions:
          'Greet the visitor by saying exactly this, and nothing else: "Hi, I\'m Cap. Got a "deal"?"',
      }),
    ).toEqual({ kind: 'message', text: 'Hi, I\'m Cap. Got a "deal"?' });
  });

  it('greets in the persona of the instructions, or plainly without one', () => {
    expect(plan({})).toEqual({
      kind: 'message',
      text: "Hello! I'm Cap, the voice assistant of Keystone Realty. How can I help you today?",
    });
    expect(plan({ instructions: 'Help.' })).toEqual({ kind: 'message', text: GREETING });
  });

  it('captures a lead and schedules a call from one typed sentence', () => {
    const { plans } = converse([
      'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm',
    ]);
    const notes =
      'My name is Dana Smith, my email is dana@example.com, please have someone call me tomorrow at 3 pm';
    expect(calls(plans)).toEqual([
      [
        'schedule_call',
        {
          name: 'Dana Smith',
          contact: 'dana@example.com',
          startsAt: '2026-12-07T15:00:00-05:00',
          notes,
        },
      ],
      ['capture_lead', { name: 'Dana Smith', email: 'dana@example.com', notes }],
    ]);
    expect(plans.at(-1)).toEqual({
      kind: 'message',
      text: 'Schedule call: ok is yes. Capture lead: ok is yes.',
    });
  });

  it('runs the deal analysis with the typed price and rent', () => {
    const { plans } = converse([
      'a property priced 400 thousand dollars with rent of 3000 a month',
    ]);
    expect(calls(plans)).toEqual([
      ['analyze_property_deal', { purchasePrice: 400_000, monthlyRent: 3000 }],
    ]);
  });

  it('asks for what a wanted tool still needs, then calls it once the next message gives it', () => {
    const { plans } = converse([
      'Please book a call tomorrow at 3 pm',
      'Dana Smith, +1 415 555 0134',
    ]);
    expect(plans[0]).toEqual({
      kind: 'message',
      text: 'To go ahead with schedule call, I need your name and a phone number or email.',
    });
    expect(calls(plans)).toContainEqual([
      'schedule_call',
      {
        name: 'Dana Smith',
        contact: '+14155550134',
        startsAt: '2026-12-07T15:00:00-05:00',
        notes: 'Dana Smith, +1 415 555 0134',
      },
    ]);
  });

  it('tells a tool error in words', () => {
    const { plans } = converse(
      ['a property priced 400 thousand dollars with rent of 3000 a month'],
      () => ({
        error: {
          code: 'invalid_arguments',
          message: 'the arguments did not validate',
          issues: [{ path: 'monthlyRent', message: 'Too small' }],
        },
      }),
    );
    expect(plans.at(-1)).toEqual({
      kind: 'message',
      text: 'Sorry, analyze property deal did not work: the arguments did not validate (monthlyRent: Too small).',
    });
  });

  it('sends questions to the search tool and reads the first passage back', () => {
    const { plans } = converse(['What are your fees?'], () => ({
      results: [{ title: 'Fees', passage: 'Buyer representation is free.' }],
    }));
    expect(calls(plans)).toEqual([['search_knowledge_base', { query: 'What are your fees?' }]]);
    expect(plans.at(-1)).toEqual({
      kind: 'message',
      text: 'From "Fees": Buyer representation is free.',
    });
  });

  it('ends the conversation on a short goodbye, and says goodbye', () => {
    const { plans } = converse(['Thanks, goodbye']);
    expect(calls(plans)).toEqual([['end_conversation', { reason: 'Thanks, goodbye' }]]);
    expect(plans.at(-1)).toEqual({ kind: 'message', text: 'Thanks for talking with me. Goodbye!' });
  });

  it('offers what the tools do when nothing matches, and never echoes "You said"', () => {
    const reply = plan({ items: [user('Tell me a joke')] });
    expect(reply).toEqual({
      kind: 'message',
      text: 'I\'m not sure how to help with "Tell me a joke". I can compute the numbers of a rental property, search the business\'s documents, save your contact details so a person follows up, or book a call back at a time you chose.',
    });
    expect(plan({ items: [user('Hi there')], tools: [] })).toEqual({
      kind: 'message',
      text: "Hello! I'm Cap, the voice assistant of Keystone Realty. How can I help you today?",
    });
  });

  it('says honestly that it has no words for speech and suggests typing', () => {
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
    const reply = plan({ items: [audio] });
    expect(reply.kind === 'message' && reply.text).toBe(
      "I heard 2.3 seconds of speech, but I can't make out spoken words here: this offline demo has no speech recognizer. Please type your message instead.",
    );
  });

  it('calls no tool when tool_choice is none', () => {
    expect(
      plan({
        items: [user('a property priced 400 thousand with rent of 3000 a month')],
        toolChoice: 'none',
      }).kind,
    ).toBe('message');
  });

  it('calls the forced tool, or the wanted (else first) tool when one is required', () => {
    expect(
      plan({
        items: [user('weather in Paris')],
        tools: [weather],
        toolChoice: { type: 'function', name: 'get_weather' },
      }),
    ).toEqual({ kind: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}' });
    // Nothing typed fills the city: a schema sample, as the forced call must have one.
    expect(
      plan({
        items: [user('the weather please')],
        tools: [weather],
        toolChoice: { type: 'function', name: 'get_weather' },
      }),
    ).toEqual({ kind: 'function_call', name: 'get_weather', arguments: '{"city":"example city"}' });
    const other = { type: 'function' as const, name: 'book_table' };
    expect(
      plan({ items: [user('hello')], tools: [other, weather], toolChoice: 'required' }),
    ).toMatchObject({
      name: 'book_table',
      arguments: '{}',
    });
  });
});

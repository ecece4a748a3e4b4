/**
 * The tools Parley implements itself: capture a lead (stored, and emailed to the agent's notify
 * address), search the knowledge base, schedule a call, end the conversation, and analyse a
 * rental property deal (cap rate, cash-on-cash return, monthly cash flow).
 */
import { z } from 'zod';
import type { BuiltinTool } from '../schemas.js';
import { ToolError } from './types.js';
import type { ServerTool, ToolContext } from './types.js';

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest;
}

function defineServerTool<S extends z.ZodType>(definition: {
  name: string;
  description: string;
  args: S;
  timeoutMs?: number;
  execute: (args: z.output<S>, context: ToolContext) => Promise<unknown>;
}): ServerTool<z.output<S>> {
  return {
    name: definition.name,
    description: definition.description,
    parameters: jsonSchemaOf(definition.args),
    args: definition.args as unknown as z.ZodType<z.output<S>>,
    timeoutMs: definition.timeoutMs ?? 10_000,
    execute: definition.execute,
  };
}

const phonePattern = /^\+?[0-9][0-9 ().-]{5,24}$/;

/** Arguments of `capture_lead`. */
export const captureLeadArgs = z
  .object({
    name: z.string().trim().min(1).max(200).describe("The visitor's full name"),
    email: z.email().max(254).optional().describe('Email address, if given'),
    phone: z
      .string()
      .trim()
      .regex(phonePattern, 'a phone number')
      .optional()
      .describe('Phone number, if given'),
    notes: z.string().max(2000).optional().describe('What they want, in a sentence or two'),
  })
  .refine((lead) => lead.email !== undefined || lead.phone !== undefined, {
    message: 'an email address or a phone number is required',
    path: ['email'],
  });

const captureLead = defineServerTool({
  name: 'capture_lead',
  description:
    "Save the visitor's contact details so a person follows up. Call it once you have their name and an email or phone number.",
  args: captureLeadArgs,
  async execute(args, context) {
    const to = context.agent.config.notifyEmail;
    if (context.dryRun) {
      return {
        saved: false,
        dryRun: true,
        wouldSave: {
          name: args.name,
          email: args.email ?? null,
          phone: args.phone ?? null,
          notes: args.notes ?? '',
        },
        wouldEmail: to && context.mailer.configured ? to : null,
        ...(to && !context.mailer.configured ? { note: 'no SMTP server configured' } : {}),
        ...(to && context.mailer.delivery === 'outbox'
          ? { note: 'no SMTP server configured: the email goes to the local outbox' }
          : {}),
      };
    }
    const lead = await context.store.leads.createLead({
      agentId: context.agent.id,
      conversationId: context.conversationId,
      name: args.name,
      email: args.email ?? null,
      phone: args.phone ?? null,
      notes: args.notes ?? '',
    });
    let notified = false;
    if (to && context.mailer.configured) {
      try {
        await context.mailer.send(
          {
            to,
            subject: `New lead from ${context.agent.name}: ${args.name}`,
            replyTo: args.email,
            text: [
              `${context.agent.name} captured a lead.`,
              '',
              `Name:  ${args.name}`,
              `Email: ${args.email ?? '-'}`,
              `Phone: ${args.phone ?? '-'}`,
              `Notes: ${args.notes ?? '-'}`,
              '',
              `Conversation: ${context.conversationId ?? '-'}`,
            ].join('\n'),
          },
          { signal: context.signal },
        );
        notified = true;
        await context.store.leads.markLeadNotified(lead.id, null);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        context.log('lead email failed', { leadId: lead.id, error: message });
        await context.store.leads.markLeadNotified(lead.id, message);
      }
    } else if (to) {
      await context.store.leads.markLeadNotified(lead.id, 'no SMTP server configured');
    }
    return { saved: true, leadId: lead.id, teamNotified: notified };
  },
});

const searchKnowledgeBase = defineServerTool({
  name: 'search_knowledge_base',
  description:
    "Search the business's documents (policies, prices, FAQs, listings). Use it before answering factual questions about the business.",
  args: z.object({
    query: z.string().trim().min(1).max(500).describe('What to look for, in a few words'),
    limit: z.number().int().min(1).max(10).optional().describe('How many passages, default 4'),
  }),
  async execute(args, context) {
    const hits = await context.store.knowledge.search(args.query, {
      agentId: context.agent.id,
      limit: args.limit ?? 4,
    });
    if (hits.length === 0) return { results: [], note: 'Nothing in the knowledge base matches.' };
    return { results: hits.map((hit) => ({ title: hit.title, passage: hit.snippet })) };
  },
});

const scheduleCall = defineServerTool({
  name: 'schedule_call',
  description:
    'Book a call back at a time the visitor chose. The time must be in the future, as ISO 8601 with a UTC offset (e.g. 2026-05-04T15:30:00-04:00).',
  args: z.object({
    name: z.string().trim().min(1).max(200),
    contact: z.string().trim().min(3).max(254).describe('Phone number or email to call back on'),
    startsAt: z.iso.datetime({ offset: true }).describe('ISO 8601 date-time with offset'),
    notes: z.string().max(2000).optional(),
  }),
  async execute(args, context) {
    const startsAt = new Date(args.startsAt);
    const now = context.now().getTime();
    if (Number.isNaN(startsAt.getTime()))
      throw new ToolError('invalid_time', 'That time is not valid.');
    if (startsAt.getTime() <= now) {
      throw new ToolError('past_time', 'That time is in the past. Ask for a future time.');
    }
    if (startsAt.getTime() > now + 366 * 86_400_000) {
      throw new ToolError('too_far', 'That time is more than a year away. Ask for a sooner time.');
    }
    if (context.dryRun) {
      return { scheduled: false, dryRun: true, startsAt: startsAt.toISOString() };
    }
    const call = await context.store.leads.createScheduledCall({
      agentId: context.agent.id,
      conversationId: context.conversationId,
      name: args.name,
      contact: args.contact,
      startsAt: startsAt.toISOString(),
      notes: args.notes ?? '',
    });
    return { scheduled: true, callId: call.id, startsAt: call.startsAt };
  },
});

const endConversation = defineServerTool({
  name: 'end_conversation',
  description:
    'End the conversation after saying goodbye, when the visitor is done or asks to hang up.',
  args: z.object({ reason: z.string().max(200).optional() }),
  execute(args, context) {
    context.requestEnd(args.reason ?? 'agent_ended');
    return Promise.resolve({ ending: true });
  },
});

/** Arguments of `analyze_property_deal`. */
export const propertyDealArgs = z.object({
  purchasePrice: z.number().positive().describe('Purchase price in dollars'),
  monthlyRent: z.number().min(0).describe('Expected gross monthly rent'),
  downPaymentPercent: z.number().min(0).max(100).default(20),
  interestRatePercent: z.number().min(0).max(30).default(7).describe('Annual mortgage rate'),
  loanTermYears: z.number().int().min(1).max(40).default(30),
  vacancyRatePercent: z.number().min(0).max(100).default(5),
  monthlyOperatingExpenses: z
    .number()
    .min(0)
    .default(0)
    .describe('Taxes, insurance, maintenance, management and HOA per month'),
  closingCosts: z.number().min(0).default(0),
  renovationCosts: z.number().min(0).default(0),
});

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The numbers of a rental deal: NOI, cap rate, debt service, cash flow, cash-on-cash. */
export function analyzePropertyDeal(input: z.input<typeof propertyDealArgs>) {
  const args = propertyDealArgs.parse(input);
  const downPayment = (args.purchasePrice * args.downPaymentPercent) / 100;
  const loanAmount = args.purchasePrice - downPayment;
  const monthlyRate = args.interestRatePercent / 100 / 12;
  const payments = args.loanTermYears * 12;
  const monthlyMortgage =
    loanAmount === 0
      ? 0
      : monthlyRate === 0
        ? loanAmount / payments
        : (loanAmount * monthlyRate) / (1 - (1 + monthlyRate) ** -payments);
  const effectiveAnnualRent = args.monthlyRent * 12 * (1 - args.vacancyRatePercent / 100);
  const netOperatingIncome = effectiveAnnualRent - args.monthlyOperatingExpenses * 12;
  const annualCashFlow = netOperatingIncome - monthlyMortgage * 12;
  const cashInvested = downPayment + args.closingCosts + args.renovationCosts;
  // Under a dollar in, a return on cash means nothing (a price of 0.000001 once reported -31.93 %).
  const investedNothing = round(cashInvested) < 1;
  return {
    downPayment: round(downPayment),
    loanAmount: round(loanAmount),
    monthlyMortgagePayment: round(monthlyMortgage),
    netOperatingIncomeAnnual: round(netOperatingIncome),
    capRatePercent: round((netOperatingIncome / args.purchasePrice) * 100),
    monthlyCashFlow: round(annualCashFlow / 12),
    annualCashFlow: round(annualCashFlow),
    totalCashInvested: round(cashInvested),
    cashOnCashReturnPercent: investedNothing ? null : round((annualCashFlow / cashInvested) * 100),
    ...(investedNothing
      ? { note: 'No cash is invested, so there is no cash-on-cash return.' }
      : {}),
  };
}

const analyzeDeal = defineServerTool({
  name: 'analyze_property_deal',
  description:
    'Compute the numbers of a rental property: cap rate, cash-on-cash return, monthly cash flow, mortgage payment and net operating income. Ask for price and rent; the rest has sensible defaults.',
  args: propertyDealArgs,
  execute: (args) => Promise.resolve(analyzePropertyDeal(args)),
});

/** Every built-in tool, by name. */
export const builtinTools: ReadonlyMap<string, ServerTool> = new Map(
  [captureLead, searchKnowledgeBase, scheduleCall, endConversation, analyzeDeal].map(
    (tool) => [tool.name, tool as ServerTool] as const,
  ),
);

/** Descriptions of the built-ins for the admin console. */
export const builtinToolDescriptions: readonly BuiltinTool[] = [...builtinTools.values()].map(
  (tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
  }),
);

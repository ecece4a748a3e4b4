import { describe, expect, it } from 'vitest';
import { parseRoute, safeRedirect, signInPath } from './routes.js';

describe('parseRoute', () => {
  it('maps hashes to pages with their parameters', () => {
    expect(parseRoute('')).toEqual({ page: 'agents' });
    expect(parseRoute('#/calls')).toEqual({ page: 'calls' });
    expect(parseRoute('#/outbox')).toEqual({ page: 'outbox' });
    expect(parseRoute('#/agents/agt_1')).toEqual({ page: 'agent', id: 'agt_1', tab: 'prompt' });
    expect(parseRoute('#/agents/agt_1/versions')).toEqual({
      page: 'agent',
      id: 'agt_1',
      tab: 'versions',
    });
    expect(parseRoute('#/tools/new')).toEqual({ page: 'tool', id: 'new' });
    expect(parseRoute('#/conversations/conv%2F1')).toEqual({ page: 'conversation', id: 'conv/1' });
    expect(parseRoute('#/playground/agt_1?version=3')).toEqual({
      page: 'playground',
      agentId: 'agt_1',
      version: 3,
    });
    expect(parseRoute('#/playground?version=x')).toEqual({
      page: 'playground',
      agentId: null,
      version: null,
    });
    expect(parseRoute('#/experiments')).toEqual({ page: 'experiments', id: null });
    expect(parseRoute('#/experiments/exp_1')).toEqual({ page: 'experiments', id: 'exp_1' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'not-found', path: '/nowhere' });
  });

  it('carries the redirect of the sign-in page', () => {
    expect(parseRoute('#/sign-in?redirect=%2Fleads')).toEqual({
      page: 'sign-in',
      redirect: '/leads',
    });
  });
});

describe('safeRedirect', () => {
  it('only accepts paths inside the console', () => {
    expect(safeRedirect('/conversations/c1')).toBe('/conversations/c1');
    expect(safeRedirect('//evil.example/x')).toBe('/agents');
    expect(safeRedirect('https://evil.example')).toBe('/agents');
    expect(safeRedirect('/sign-in?redirect=/x')).toBe('/agents');
    expect(safeRedirect(null)).toBe('/agents');
  });

  it('builds a sign-in path that returns to where the admin was', () => {
    expect(signInPath('/agents/agt_1/versions')).toBe(
      '/sign-in?redirect=%2Fagents%2Fagt_1%2Fversions',
    );
    expect(parseRoute(`#${signInPath('/leads')}`)).toEqual({ page: 'sign-in', redirect: '/leads' });
  });
});

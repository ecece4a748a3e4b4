// The beta dialect's translators, as their own chunk for bundlers: loaded by `loadBetaDialect()`
// (beta-loader.ts), which the session calls when its credentials choose `dialect: 'beta'`. A GA
// app never loads them (core's bundle budget, README "Bundle size").
export { betaServerEventToGa as serverEventToGa } from './beta-events.js';
export { gaClientEventToBeta as clientEventToBeta } from './beta-events.js';

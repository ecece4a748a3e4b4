// Test helpers the emulator's tests and other packages' tests share, published as
// `@parley/emulator/test-utils` (built beside the main entry, never imported by it).
export {
  cancelOrder,
  lookupOpeningHours,
  startTestMcpServer,
  type TestMcpServer,
  type TestMcpServerOptions,
  type TestMcpTool,
} from './mcp-server.js';

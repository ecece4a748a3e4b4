// The servers a test starts in-process read `REDIS_URL` from the environment like a deployment
// does. CI sets it for the Redis tests, and a server that picked it up would keep its sign-in
// counters, rate limits and slots in one Redis under the default prefix, shared by every test and
// every run (a limit spent by one test refuses the next). So the URL moves aside here: the Redis
// tests read it from `src/test-utils/shared-states.ts` (`testRedisUrl`) and give each instance a
// fresh key prefix; every other test server keeps its shared state in its own database.
if (process.env.REDIS_URL) {
  process.env.PARLEY_TEST_REDIS_URL ??= process.env.REDIS_URL;
  delete process.env.REDIS_URL;
}

// What `npm start` hands the Parley server. Kept apart from start.mjs (which installs and builds)
// so that a test can check it without doing either.

/**
 * The server's environment under `npm start`: it listens on loopback unless `HOST` says otherwise,
 * because `npm start` is a trial on one's own machine and the relay and the first-run admin setup
 * must not be open to the network by default. (`parley-server` run directly keeps 0.0.0.0, which
 * containers need.)
 *
 * @param {NodeJS.ProcessEnv} env
 * @returns {NodeJS.ProcessEnv}
 */
export function startEnvironment(env) {
  return { ...env, HOST: env.HOST || '127.0.0.1' };
}

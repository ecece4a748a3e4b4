/** The server's environment under `npm start`: loopback unless `HOST` is set. */
export function startEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;

/**
 * Wire dialect of the Realtime protocol. GA is the default; beta is kept for legacy servers. It
 * lives in the protocol layer because parsing and serializing are what differ between the two;
 * the ports (`Credentials.dialect`), the machine and the session name it from here.
 */
export type Dialect = 'ga' | 'beta';

/** Which SQL engine a database runs on. */
export type DialectName = 'sqlite' | 'postgres';

import type { Row } from './sqlite-row.ts';

/**
 * What the PostgreSQL repos need of a connection: a pool outside transactions, the transaction's
 * own client inside one (postgres.ts). Parameters are `$1…`; rows come back with BIGINT as
 * numbers (postgres.ts sets the type parsers).
 */
export interface Sql {
  rows(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** Rows a write touched. */
  changes(text: string, values?: readonly unknown[]): Promise<number>;
}

export async function one<T>(
  sql: Sql,
  map: (row: Row) => T,
  text: string,
  values: readonly unknown[],
): Promise<T | undefined> {
  const [row] = await sql.rows(text, values);
  return row && map(row);
}

export async function all<T>(
  sql: Sql,
  map: (row: Row) => T,
  text: string,
  values: readonly unknown[] = [],
): Promise<T[]> {
  return (await sql.rows(text, values)).map(map);
}

/** `$n, $n+1, …` for a list of values spliced into a statement after `offset` others. */
export function placeholders(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, index) => `$${offset + index + 1}`).join(', ');
}

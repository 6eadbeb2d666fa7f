/** Row conversion shared by the SQLite and PostgreSQL repos: JSON columns are TEXT, absent values NULL. */
export type Row = Record<string, unknown>;

export function json(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

export function parsed(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : null;
}

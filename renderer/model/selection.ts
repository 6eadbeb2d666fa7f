/** Multi-selection over one page of rows, kept in list order (what bulk actions run over). */

/** Adds `token` to the selection, or takes it out. */
export function toggleInSelection(
  order: readonly string[],
  selected: readonly string[],
  token: string,
): string[] {
  const next = new Set(selected);
  if (next.has(token)) next.delete(token);
  else next.add(token);
  return order.filter((t) => next.has(t));
}

/** Every row from `anchor` to `token`, either way round; just `token` if the anchor is gone. */
export function selectRange(order: readonly string[], anchor: string, token: string): string[] {
  const from = order.indexOf(anchor);
  const to = order.indexOf(token);
  if (to === -1) return [];
  if (from === -1) return [token];
  return order.slice(Math.min(from, to), Math.max(from, to) + 1);
}

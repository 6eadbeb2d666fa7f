/** One folder in the tree. `path` is the context ("/finance/2026"); `name` its last segment. */
export interface ContextNode {
  name: string;
  path: string;
  children: ContextNode[];
}

/** "/finance/2026/" → ["finance", "2026"]; empty segments are dropped. */
export function contextSegments(context: string): string[] {
  return context.split('/').filter((segment) => segment.length > 0);
}

/** Every ancestor of a context and the context itself: "/a/b" → ["/a", "/a/b"]. */
export function contextLineage(context: string): string[] {
  const segments = contextSegments(context);
  return segments.map((_, index) => `/${segments.slice(0, index + 1).join('/')}`);
}

/** The last segment of a context, or null for the root. */
export function contextName(context: string | null): string | null {
  if (!context) return null;
  return contextSegments(context).at(-1) ?? null;
}

/**
 * Builds the nested folder tree from flat contexts. Intermediate folders that hold no file of
 * their own ("/finance" when only "/finance/2026" exists) still appear, so every context is
 * reachable. Siblings sort by name the way people read them ("2" before "10").
 */
export function buildContextTree(contexts: readonly string[]): ContextNode[] {
  const root: ContextNode = { name: '', path: '', children: [] };
  const byPath = new Map<string, ContextNode>([['', root]]);
  for (const context of contexts) {
    let parent = root;
    for (const path of contextLineage(context)) {
      let node = byPath.get(path);
      if (!node) {
        node = { name: contextName(path) ?? '', path, children: [] };
        byPath.set(path, node);
        parent.children.push(node);
      }
      parent = node;
    }
  }
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sortDeep = (nodes: ContextNode[]): void => {
    nodes.sort((a, b) => collator.compare(a.name, b.name));
    for (const node of nodes) sortDeep(node.children);
  };
  sortDeep(root.children);
  return root.children;
}

/** The nodes a reader sees, in order, given which folders are expanded (for arrow keys). */
export function visibleContextNodes(
  nodes: readonly ContextNode[],
  expanded: Readonly<Record<string, boolean>>,
): ContextNode[] {
  const out: ContextNode[] = [];
  const walk = (level: readonly ContextNode[]): void => {
    for (const node of level) {
      out.push(node);
      if (expanded[node.path] && node.children.length > 0) walk(node.children);
    }
  };
  walk(nodes);
  return out;
}

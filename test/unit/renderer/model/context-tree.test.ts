import { describe, expect, it } from 'vitest';
import {
  buildContextTree,
  contextLineage,
  contextName,
  visibleContextNodes,
  type ContextNode,
} from '../../../../renderer/model/context-tree.ts';

const shape = (nodes: ContextNode[]): unknown =>
  nodes.map((n) => [n.path, ...(n.children.length ? [shape(n.children)] : [])]);

describe('buildContextTree', () => {
  it('nests contexts and creates the folders between them', () => {
    const tree = buildContextTree(['/finance/2026/q1', '/photos', '/finance/2025']);
    expect(shape(tree)).toEqual([
      ['/finance', [['/finance/2025'], ['/finance/2026', [['/finance/2026/q1']]]]],
      ['/photos'],
    ]);
    expect(tree[0]!.name).toBe('finance');
  });

  it('merges duplicates and ignores the root and stray slashes', () => {
    const tree = buildContextTree(['/a/b', '/a/b', '/a/b/', '/', '//a']);
    expect(shape(tree)).toEqual([['/a', [['/a/b']]]]);
  });

  it('sorts siblings the way people read numbers and case', () => {
    const tree = buildContextTree(['/10', '/2', '/Beta', '/alpha']);
    expect(tree.map((n) => n.name)).toEqual(['2', '10', 'alpha', 'Beta']);
  });

  it('is empty for no contexts', () => {
    expect(buildContextTree([])).toEqual([]);
  });
});

describe('context paths', () => {
  it('lists the lineage of a context', () => {
    expect(contextLineage('/a/b/c')).toEqual(['/a', '/a/b', '/a/b/c']);
    expect(contextLineage('/')).toEqual([]);
  });

  it('names a context by its last segment', () => {
    expect(contextName('/finance/2026')).toBe('2026');
    expect(contextName(null)).toBeNull();
    expect(contextName('/')).toBeNull();
  });
});

describe('visibleContextNodes', () => {
  it('walks only into expanded folders, in display order', () => {
    const tree = buildContextTree(['/a/x', '/a/y', '/b/z']);
    expect(visibleContextNodes(tree, {}).map((n) => n.path)).toEqual(['/a', '/b']);
    expect(visibleContextNodes(tree, { '/a': true }).map((n) => n.path)).toEqual([
      '/a',
      '/a/x',
      '/a/y',
      '/b',
    ]);
  });
});

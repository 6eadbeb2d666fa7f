import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { contextLineage, visibleContextNodes, type ContextNode } from '../model/context-tree.ts';
import { filesSelectors, uiSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

/** The tree's own key for "All files", which is no context at all. */
const ALL = '';

function FolderItem({
  node,
  level,
  current,
  focused,
  expanded,
  onOpen,
  onToggle,
  onFocusItem,
}: {
  node: ContextNode;
  level: number;
  current: string;
  focused: string;
  expanded: Record<string, boolean>;
  onOpen: (path: string) => void;
  onToggle: (path: string) => void;
  onFocusItem: (path: string) => void;
}) {
  const hasChildren = node.children.length > 0;
  const isOpen = hasChildren && expanded[node.path] === true;
  return (
    <li
      role="treeitem"
      aria-level={level}
      aria-selected={current === node.path}
      aria-expanded={hasChildren ? isOpen : undefined}
      tabIndex={focused === node.path ? 0 : -1}
      data-path={node.path}
      data-testid="folder-item"
      onFocus={(event) => event.target === event.currentTarget && onFocusItem(node.path)}
      onClick={(event) => {
        event.stopPropagation();
        onOpen(node.path);
      }}
    >
      <span className="tree-row" data-level={Math.min(level, 10)}>
        {hasChildren ? (
          <span
            className={`tree-toggle${isOpen ? ' is-open' : ''}`}
            aria-hidden="true"
            onClick={(event) => {
              event.stopPropagation();
              onToggle(node.path);
            }}
          >
            <Icon name="chevron-right" size={12} />
          </span>
        ) : (
          <span className="tree-toggle-spacer" aria-hidden="true" />
        )}
        <Icon name={current === node.path ? 'folder-open' : 'folder'} size={15} />
        <span className="tree-label" title={node.path}>
          {node.name}
        </span>
      </span>
      {isOpen ? (
        <ul role="group">
          {node.children.map((child) => (
            <FolderItem
              key={child.path}
              node={child}
              level={level + 1}
              current={current}
              focused={focused}
              expanded={expanded}
              onOpen={onOpen}
              onToggle={onToggle}
              onFocusItem={onFocusItem}
            />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/**
 * Folders as an ARIA tree under "All files". Up/Down move, Right opens a branch or steps in,
 * Left closes it or steps out, Enter or Space opens the folder, Home/End jump, F2 renames the
 * folder and Delete asks to delete it.
 */
export function FolderTree() {
  const tree = useAppStore(filesSelectors.folderTree);
  const context = useAppStore(filesSelectors.context);
  const expanded = useAppStore(uiSelectors.expandedFolders);
  const openFolder = useAppStore((s) => s.openFolder);
  const toggleFolder = useAppStore((s) => s.toggleFolder);
  const openDialog = useAppStore((s) => s.openDialog);
  const current = context ?? ALL;
  const [focused, setFocused] = useState(current);
  const treeRef = useRef<HTMLUListElement>(null);

  useEffect(() => setFocused(current), [current]);

  const order = useMemo(
    () => [ALL, ...visibleContextNodes(tree, expanded).map((node) => node.path)],
    [tree, expanded],
  );
  // The focused folder can vanish (collapsed parent, deleted last file); fall back to the open one.
  const tabStop = order.includes(focused) ? focused : order.includes(current) ? current : ALL;

  const focusPath = (path: string) => {
    setFocused(path);
    treeRef.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus();
  };

  const open = (path: string) => openFolder(path === ALL ? null : path);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const index = order.indexOf(tabStop);
    const node =
      tabStop === ALL ? null : visibleContextNodes(tree, expanded).find((n) => n.path === tabStop);
    switch (event.key) {
      case 'ArrowDown':
        if (index < order.length - 1) focusPath(order[index + 1]!);
        break;
      case 'ArrowUp':
        if (index > 0) focusPath(order[index - 1]!);
        break;
      case 'Home':
        focusPath(ALL);
        break;
      case 'End':
        focusPath(order[order.length - 1]!);
        break;
      case 'ArrowRight':
        if (!node) {
          if (order.length > 1) focusPath(order[1]!);
        } else if (node.children.length > 0) {
          if (expanded[node.path]) focusPath(node.children[0]!.path);
          else toggleFolder(node.path, true);
        }
        break;
      case 'ArrowLeft':
        if (node && node.children.length > 0 && expanded[node.path]) toggleFolder(node.path, false);
        else if (node) focusPath(contextLineage(node.path).at(-2) ?? ALL);
        break;
      case 'Enter':
      case ' ':
        open(tabStop);
        break;
      case 'F2':
        if (tabStop === ALL) return;
        openDialog({ kind: 'rename-folder', folder: tabStop });
        break;
      case 'Delete':
        if (tabStop === ALL) return;
        openDialog({ kind: 'delete-folder', folder: tabStop });
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  return (
    <nav className="sidebar" aria-label="Folders">
      <div className="sidebar-header">
        <h2 className="sidebar-title">Folders</h2>
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => openDialog({ kind: 'new-folder' })}
          data-testid="new-folder-button"
        >
          <Icon name="folder-plus" size={15} />
          New folder
        </button>
      </div>
      <ul
        ref={treeRef}
        className="folder-tree"
        role="tree"
        aria-label="Folders"
        data-testid="folder-tree"
        onKeyDown={onKeyDown}
      >
        <li
          role="treeitem"
          aria-level={1}
          aria-selected={current === ALL}
          aria-expanded={true}
          tabIndex={tabStop === ALL ? 0 : -1}
          data-path={ALL}
          data-testid="folder-item"
          onFocus={(event) => event.target === event.currentTarget && setFocused(ALL)}
          onClick={() => open(ALL)}
        >
          <span className="tree-row tree-row-root" data-level={1}>
            <Icon name="files" size={15} />
            <span className="tree-label">All files</span>
          </span>
          {tree.length > 0 ? (
            <ul role="group">
              {tree.map((node) => (
                <FolderItem
                  key={node.path}
                  node={node}
                  level={2}
                  current={current}
                  focused={tabStop}
                  expanded={expanded}
                  onOpen={open}
                  onToggle={(path) => toggleFolder(path)}
                  onFocusItem={setFocused}
                />
              ))}
            </ul>
          ) : null}
        </li>
      </ul>
    </nav>
  );
}

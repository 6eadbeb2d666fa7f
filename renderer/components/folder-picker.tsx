import { useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import type { ContextNode } from '../model/context-tree.ts';
import { filesSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

interface Choice {
  path: string;
  name: string;
  depth: number;
}

function flatten(nodes: readonly ContextNode[], depth: number, out: Choice[]): Choice[] {
  for (const node of nodes) {
    out.push({ path: node.path, name: node.name, depth });
    flatten(node.children, depth + 1, out);
  }
  return out;
}

/** Every folder as one indented list to pick from (the Move dialog's picker); arrows move the choice. */
export function FolderPicker({
  value,
  onPick,
}: {
  value: string;
  onPick: (context: string) => void;
}) {
  const tree = useAppStore(filesSelectors.folderTree);
  const id = useId();
  const choices = useMemo(
    () => [{ path: '/', name: 'Top level', depth: 0 }, ...flatten(tree, 1, [])],
    [tree],
  );
  const index = choices.findIndex((choice) => choice.path === value);
  const list = useRef<HTMLDivElement>(null);

  // Show the file's current folder when the dialog opens; afterwards the reader's scrolling wins.
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
    let next: number | null = null;
    if (step)
      next = Math.min(choices.length - 1, Math.max(0, (index === -1 ? -step : index) + step));
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = choices.length - 1;
    if (next === null) return;
    event.preventDefault();
    onPick(choices[next]!.path);
    document.getElementById(`${id}-${next}`)?.scrollIntoView({ block: 'nearest' });
  };

  return (
    <div
      ref={list}
      className="folder-picker"
      role="listbox"
      aria-label="Pick a destination"
      tabIndex={0}
      aria-activedescendant={index === -1 ? undefined : `${id}-${index}`}
      onKeyDown={onKeyDown}
      data-testid="folder-picker"
    >
      {choices.map((choice, i) => (
        <div
          key={choice.path}
          id={`${id}-${i}`}
          role="option"
          aria-selected={value === choice.path}
          className="folder-picker-option"
          data-depth={Math.min(choice.depth, 8)}
          onClick={() => onPick(choice.path)}
          title={choice.path}
        >
          <Icon name={choice.depth === 0 ? 'files' : 'folder'} size={14} />
          <span>{choice.name}</span>
        </div>
      ))}
    </div>
  );
}

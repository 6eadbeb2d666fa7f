import { useCallback, useEffect, useRef, type KeyboardEvent } from 'react';
import type { FileItem, FileSort } from '../../bridge/types.ts';
import { filesSelectors, PER_PAGE, useAppStore } from '../store/index.ts';
import { FileRow, type RowAction } from './file-row.tsx';
import { Icon } from './icons.tsx';

const COLUMNS: { sort: FileSort | null; label: string; className: string }[] = [
  { sort: 'fileName', label: 'Name', className: 'col-name' },
  { sort: 'size', label: 'Size', className: 'col-size' },
  { sort: 'createdAt', label: 'Added', className: 'col-date' },
  { sort: null, label: 'Classification', className: 'col-classification' },
];

function SortHeader({
  sort,
  label,
  className,
}: {
  sort: FileSort;
  label: string;
  className: string;
}) {
  const ariaSort = useAppStore(filesSelectors.ariaSort(sort));
  const sortBy = useAppStore((s) => s.sortBy);
  return (
    <th scope="col" className={className} aria-sort={ariaSort}>
      <button
        type="button"
        className="sort-button"
        onClick={() => sortBy(sort)}
        data-testid={`sort-${sort}`}
      >
        {label}
        <Icon
          name={ariaSort === 'ascending' ? 'arrow-up' : 'arrow-down'}
          size={12}
          className={`sort-icon${ariaSort === 'none' ? ' sort-icon-idle' : ''}`}
        />
      </button>
    </th>
  );
}

function SkeletonRows() {
  return (
    <>
      {Array.from({ length: 8 }, (_, i) => (
        <tr key={i} className="skeleton-row" aria-hidden="true">
          <td>
            <span className="skeleton skeleton-name" />
          </td>
          <td>
            <span className="skeleton skeleton-short" />
          </td>
          <td>
            <span className="skeleton skeleton-medium" />
          </td>
          <td>
            <span className="skeleton skeleton-short" />
          </td>
          <td />
        </tr>
      ))}
    </>
  );
}

/**
 * The files of the current folder as an ARIA grid: one page (at most PER_PAGE rows) in the DOM,
 * one tab stop (the focused row), arrows move the selection (with Shift they extend it),
 * Ctrl/⌘-click and Space add or take out a row, Shift-click selects a run, Ctrl/⌘+A selects the
 * page, Enter opens details, Delete asks to delete the selection, F2 renames.
 */
export function FileTable({ folderLabel }: { folderLabel: string }) {
  const items = useAppStore(filesSelectors.items);
  const count = useAppStore(filesSelectors.count);
  const page = useAppStore(filesSelectors.page);
  const context = useAppStore(filesSelectors.context);
  const selectedToken = useAppStore(filesSelectors.selectedToken);
  const selected = useAppStore(filesSelectors.selectedSet);
  const selectedFiles = useAppStore(filesSelectors.selectedFiles);
  const showSkeleton = useAppStore(filesSelectors.showSkeleton);
  const refreshing = useAppStore(filesSelectors.isRefreshing);
  const selectFile = useAppStore((s) => s.selectFile);
  const moveSelection = useAppStore((s) => s.moveSelection);
  const selectAll = useAppStore((s) => s.selectAll);
  const clearSelection = useAppStore((s) => s.clearSelection);
  const showDetails = useAppStore((s) => s.showDetails);
  const openDialog = useAppStore((s) => s.openDialog);
  const downloadFile = useAppStore((s) => s.downloadFile);

  const rows = useRef(new Map<string, HTMLTableRowElement>());
  const body = useRef<HTMLTableSectionElement>(null);

  // When the focused row disappears (deleted, moved away, list reloaded), focus would fall to
  // the page; if it was in the table, put it back on the table's tab stop.
  const focusWasInside = useRef(false);
  useEffect(() => {
    const track = (event: FocusEvent) => {
      focusWasInside.current = body.current?.contains(event.target as Node) ?? false;
    };
    document.addEventListener('focusin', track);
    return () => document.removeEventListener('focusin', track);
  }, []);
  useEffect(() => {
    const active = document.activeElement;
    if (focusWasInside.current && (!active || active === document.body)) {
      body.current?.querySelector<HTMLElement>('tr[tabindex="0"]')?.focus();
    }
  }, [items]);

  // Keyboard moves change the selection in the store; focus follows if it was in the table.
  useEffect(() => {
    if (!selectedToken || !body.current?.contains(document.activeElement)) return;
    const row = rows.current.get(selectedToken);
    if (row && !row.contains(document.activeElement)) row.focus();
    row?.scrollIntoView({ block: 'nearest' });
  }, [selectedToken]);

  const onAction = useCallback(
    (action: RowAction, file: FileItem) => {
      if (action === 'download') void downloadFile(file);
      else if (action === 'rename') openDialog({ kind: 'rename', file });
      else openDialog({ kind: action, files: [file] });
    },
    [downloadFile, openDialog],
  );

  const registerRow = useCallback((token: string, row: HTMLTableRowElement | null) => {
    if (row) rows.current.set(token, row);
    else rows.current.delete(token);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const onRow = event.target instanceof HTMLTableRowElement;
    const file = items.find((item) => item.token === selectedToken);
    const extend = event.shiftKey;
    // The selection when the focused row is part of it; the focused row alone otherwise.
    const targets =
      file && selected.has(file.token) && selectedFiles.length > 1
        ? selectedFiles
        : file
          ? [file]
          : [];
    switch (event.key) {
      case 'ArrowDown':
        moveSelection(1, extend);
        break;
      case 'ArrowUp':
        moveSelection(-1, extend);
        break;
      case 'Home':
        moveSelection('first', extend);
        break;
      case 'End':
        moveSelection('last', extend);
        break;
      case 'a':
      case 'A':
        if (!(event.ctrlKey || event.metaKey)) return;
        selectAll();
        break;
      case ' ':
        if (!onRow || !file) return;
        selectFile(file.token, 'toggle');
        break;
      case 'Enter':
        if (!onRow || !file) return;
        showDetails(file.token);
        break;
      case 'Delete':
        if (!onRow || targets.length === 0) return;
        openDialog({ kind: 'delete', files: targets });
        break;
      case 'F2':
        if (!file) return;
        openDialog({ kind: 'rename', file });
        break;
      case 'Escape':
        if (selectedFiles.length > 1) clearSelection();
        else showDetails(null);
        return;
      default:
        return;
    }
    event.preventDefault();
  };

  const focusToken =
    selectedToken && items.some((i) => i.token === selectedToken) ? selectedToken : items[0]?.token;
  const firstRow = (page - 1) * PER_PAGE + 2;

  return (
    <div className={`file-table-scroll${refreshing ? ' is-refreshing' : ''}`}>
      {refreshing ? <div className="progress-line" aria-hidden="true" /> : null}
      <table
        className="file-table"
        role="grid"
        aria-label={`Files in ${folderLabel}`}
        aria-multiselectable="true"
        aria-rowcount={count + 1}
        aria-busy={showSkeleton || refreshing}
        data-testid="file-table"
      >
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((column) =>
              column.sort ? (
                <SortHeader
                  key={column.label}
                  sort={column.sort}
                  label={column.label}
                  className={column.className}
                />
              ) : (
                <th key={column.label} scope="col" className={column.className}>
                  <span className="th-text">{column.label}</span>
                </th>
              ),
            )}
            <th scope="col" className="col-actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody ref={body} onKeyDown={onKeyDown}>
          {showSkeleton ? (
            <SkeletonRows />
          ) : (
            items.map((file, index) => (
              <FileRow
                key={file.token}
                file={file}
                rowIndex={firstRow + index}
                selected={selected.has(file.token)}
                focusable={file.token === focusToken}
                showFolder={file.context !== (context ?? '/')}
                registerRow={registerRow}
                onSelect={selectFile}
                onOpen={showDetails}
                onAction={onAction}
              />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

import { memo, useCallback, type MouseEvent } from 'react';
import type { FileItem } from '../../bridge/types.ts';
import { classificationLabel, isClassificationLevel, LEVEL_KEY } from '../model/classification.ts';
import { shownName } from '../model/display-name.ts';
import { formatDate } from '../model/format-date.ts';
import { formatSize } from '../model/format-size.ts';
import type { SelectMode } from '../store/index.ts';
import { Icon, type IconName } from './icons.tsx';

export type RowAction = 'download' | 'rename' | 'move' | 'classify' | 'delete';

const ACTIONS: { action: RowAction; label: string; icon: IconName }[] = [
  { action: 'download', label: 'Download', icon: 'download' },
  { action: 'rename', label: 'Rename', icon: 'pencil' },
  { action: 'move', label: 'Move', icon: 'move' },
  { action: 'classify', label: 'Classify', icon: 'tag' },
  { action: 'delete', label: 'Delete', icon: 'trash' },
];

/** The classification as a small chip, coloured by level. */
export function ClassificationChip({ fields }: { fields: Record<string, string> | null }) {
  const label = classificationLabel(fields);
  if (!label) return <span className="muted">—</span>;
  const level = fields?.[LEVEL_KEY];
  return (
    <span className={`chip chip-${isClassificationLevel(level) ? level : 'other'}`} title={label}>
      {label}
    </span>
  );
}

export const FileRow = memo(function FileRow({
  file,
  rowIndex,
  selected,
  focusable,
  showFolder,
  registerRow,
  onSelect,
  onOpen,
  onAction,
}: {
  file: FileItem;
  rowIndex: number;
  selected: boolean;
  focusable: boolean;
  showFolder: boolean;
  registerRow: (token: string, row: HTMLTableRowElement | null) => void;
  onSelect: (token: string, mode?: SelectMode) => void;
  onOpen: (token: string) => void;
  onAction: (action: RowAction, file: FileItem) => void;
}) {
  const token = file.token;
  const name = shownName(file);
  const rowRef = useCallback(
    (row: HTMLTableRowElement | null) => registerRow(token, row),
    [registerRow, token],
  );
  return (
    <tr
      ref={rowRef}
      className="file-row"
      aria-selected={selected}
      aria-rowindex={rowIndex}
      tabIndex={focusable ? 0 : -1}
      data-testid="file-row"
      data-token={file.token}
      data-name={name}
      onClick={(event: MouseEvent) =>
        onSelect(
          file.token,
          event.shiftKey ? 'range' : event.ctrlKey || event.metaKey ? 'toggle' : 'single',
        )
      }
      onDoubleClick={() => onOpen(file.token)}
      // Keyboard focus (Tab into the list) selects the row; a mouse click selects through
      // onClick, where Shift and Ctrl are known, so focusing first must not reset the selection.
      onFocus={(event) =>
        event.target === event.currentTarget &&
        !selected &&
        event.currentTarget.matches(':focus-visible') &&
        onSelect(file.token)
      }
    >
      <td className="cell-name">
        <span className="file-name">
          <Icon name="file" className="file-icon" />
          <span className="file-name-text">
            <span className="file-name-main" title={name}>
              {name}
            </span>
            {showFolder ? <span className="file-folder">{file.context}</span> : null}
          </span>
        </span>
      </td>
      <td className="cell-size">{formatSize(file.size)}</td>
      <td className="cell-date">
        <time dateTime={file.createdAt}>{formatDate(file.createdAt)}</time>
      </td>
      <td className="cell-classification">
        <ClassificationChip fields={file.classification} />
      </td>
      <td className="cell-actions">
        <span className="row-actions">
          {ACTIONS.map(({ action, label, icon }) => (
            <button
              key={action}
              type="button"
              className={`icon-button${action === 'delete' ? ' icon-button-danger' : ''}`}
              aria-label={label}
              title={`${label} ${name}`}
              tabIndex={focusable ? 0 : -1}
              data-testid={`row-${action}`}
              onClick={(event) => {
                event.stopPropagation();
                if (!selected) onSelect(file.token);
                onAction(action, file);
              }}
            >
              <Icon name={icon} />
            </button>
          ))}
        </span>
      </td>
    </tr>
  );
});

import { filesSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

/** What can be done with several selected files at once; shown while more than one is selected. */
export function SelectionBar() {
  const files = useAppStore(filesSelectors.selectedFiles);
  const openDialog = useAppStore((s) => s.openDialog);
  const downloadFiles = useAppStore((s) => s.downloadFiles);
  const clearSelection = useAppStore((s) => s.clearSelection);
  if (files.length < 2) return null;
  return (
    <div
      className="selection-bar"
      role="toolbar"
      aria-label="Selected files"
      data-testid="selection-bar"
    >
      <span className="selection-count" data-testid="selection-count" aria-live="polite">
        {files.length} selected
      </span>
      <button
        type="button"
        className="button button-small"
        onClick={() => void downloadFiles(files)}
      >
        <Icon name="download" size={14} />
        Download
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => openDialog({ kind: 'move', files })}
      >
        <Icon name="move" size={14} />
        Move
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => openDialog({ kind: 'classify', files })}
      >
        <Icon name="tag" size={14} />
        Classify
      </button>
      <button
        type="button"
        className="button button-small button-danger-quiet"
        onClick={() => openDialog({ kind: 'delete', files })}
      >
        <Icon name="trash" size={14} />
        Delete
      </button>
      <button type="button" className="button button-small button-ghost" onClick={clearSelection}>
        Clear selection
      </button>
    </div>
  );
}

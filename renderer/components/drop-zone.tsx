import { Icon } from './icons.tsx';

/** The overlay shown while files are dragged over the list. */
export function DropZone({ folderLabel }: { folderLabel: string }) {
  return (
    <div className="drop-zone" data-testid="drop-zone" aria-hidden="true">
      <div className="drop-zone-card">
        <Icon name="upload" size={28} />
        <p className="drop-zone-title">Drop to secure in {folderLabel}</p>
        <p className="drop-zone-text">
          Each file is encrypted here before it leaves this computer.
        </p>
      </div>
    </div>
  );
}

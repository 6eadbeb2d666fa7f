import type { FileItem } from '../../bridge/types.ts';
import { shownName } from '../model/display-name.ts';

/** The first few names of a multi-selection in a dialog, and how many more there are. */
export function FileListPreview({
  files,
  shown = 5,
}: {
  files: readonly FileItem[];
  shown?: number;
}) {
  const more = files.length - shown;
  return (
    <ul className="file-preview" data-testid="file-preview">
      {files.slice(0, shown).map((file) => (
        <li key={file.token}>{shownName(file)}</li>
      ))}
      {more > 0 ? <li className="muted">and {more} more</li> : null}
    </ul>
  );
}

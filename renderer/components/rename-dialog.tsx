import { useEffect, useRef, useState } from 'react';
import { LIMITS } from '../../bridge/field-rules.ts';
import type { FileItem } from '../../bridge/types.ts';
import { displayName, nameForRename } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { useDialogAction } from './use-dialog-action.ts';
import { TextField } from './text-field.tsx';

// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const FORBIDDEN = /[\u0000-\u001f\u007f/\\]/;

function checkFileName(name: string): string | null {
  if (name === '') return 'Enter a file name.';
  if (name.length > LIMITS.fileNameMax)
    return `Keep the name under ${LIMITS.fileNameMax} characters.`;
  if (FORBIDDEN.test(name))
    return 'File names can\'t contain "/" or "\\". Use Move to change the folder.';
  return null;
}

/**
 * Renames a file. The engine keeps the extension apart and `files:rename` changes only the
 * name, so the extension stays as it is and is said so under the field.
 */
export function RenameDialog({ file, onClose }: { file: FileItem; onClose: () => void }) {
  const renameFile = useAppStore((s) => s.renameFile);
  const current = displayName(file);
  const [typed, setTyped] = useState(current);
  const { busy, error, setError, run } = useDialogAction(onClose);
  const input = useRef<HTMLInputElement>(null);

  // Select the name without its extension, as file managers do, so typing replaces just that.
  useEffect(() => {
    const end =
      file.extension && current.endsWith(`.${file.extension}`)
        ? current.length - file.extension.length - 1
        : current.length;
    input.current?.setSelectionRange(0, end);
  }, [current, file.extension]);

  const submit = async () => {
    const name = nameForRename(typed, file.extension);
    const problem = checkFileName(name);
    if (problem) return setError(problem);
    if (name === file.fileName) return onClose();
    await run(() => renameFile(file.token, name));
  };

  return (
    <Dialog
      title={`Rename “${current}”`}
      onClose={onClose}
      onSubmit={() => void submit()}
      busy={busy}
      confirmLabel="Rename"
      testId="rename-dialog"
    >
      <TextField
        label="File name"
        value={typed}
        onChange={(value) => {
          setTyped(value);
          setError(null);
        }}
        error={error}
        hint={file.extension ? `The .${file.extension} extension stays as it is.` : undefined}
        autoComplete="off"
        spellCheck={false}
        data-autofocus=""
        testId="rename-input"
        inputRef={input}
      />
    </Dialog>
  );
}

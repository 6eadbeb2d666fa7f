import { useId, useState } from 'react';
import type { FileItem } from '../../bridge/types.ts';
import {
  buildClassifyFields,
  CLASSIFICATION_LEVELS,
  classificationToForm,
  type ClassificationLevel,
  type ExtraField,
} from '../model/classification.ts';
import { describeBulk } from '../model/bulk-outcome.ts';
import { shownName } from '../model/display-name.ts';
import { useAppStore } from '../store/index.ts';
import { Dialog } from './dialog.tsx';
import { Icon } from './icons.tsx';

const LEVEL_WORDS: Record<ClassificationLevel, string> = {
  public: 'Public — anyone may see it',
  internal: 'Internal — people in your organisation',
  confidential: 'Confidential — only people who need it',
  restricted: 'Restricted — named people only',
};

export function ClassifyDialog({ files, onClose }: { files: FileItem[]; onClose: () => void }) {
  const classifyFile = useAppStore((s) => s.classifyFile);
  const classifyFiles = useAppStore((s) => s.classifyFiles);
  const notify = useAppStore((s) => s.notify);
  const one = files.length === 1 ? files[0]! : null;
  // Several files start from the first one's classification; saving gives them all the same.
  const initial = classificationToForm(files[0]?.classification ?? null);
  const [level, setLevel] = useState<ClassificationLevel>(initial.level);
  const [rows, setRows] = useState<ExtraField[]>(initial.extra);
  const [error, setError] = useState<{ text: string; row: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const levelId = useId();

  const updateRow = (index: number, change: Partial<ExtraField>) => {
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));
    setError(null);
  };

  const submit = async () => {
    const built = buildClassifyFields(level, rows);
    if (!built.ok) return setError({ text: built.error, row: built.row });
    setBusy(true);
    if (one) {
      const failure = await classifyFile(one.token, built.fields);
      setBusy(false);
      if (failure) setError({ text: failure.message, row: null });
      else onClose();
      return;
    }
    const outcome = await classifyFiles(files, built.fields);
    setBusy(false);
    if (outcome.done === 0)
      return setError({ text: describeBulk(outcome, 'classified'), row: null });
    notify(describeBulk(outcome, 'classified'), outcome.failed.length > 0 ? 'warning' : 'success');
    onClose();
  };

  return (
    <Dialog
      title={one ? `Classify “${shownName(one)}”` : `Classify ${files.length} files`}
      onClose={onClose}
      onSubmit={() => void submit()}
      confirmLabel="Save"
      busy={busy}
      error={error && error.row === null ? error.text : null}
      testId="classify-dialog"
    >
      <div className="field">
        <label htmlFor={levelId}>Classification</label>
        <select
          id={levelId}
          className="input select"
          value={level}
          onChange={(event) => setLevel(event.target.value as ClassificationLevel)}
          data-autofocus=""
          data-testid="classification-select"
        >
          {CLASSIFICATION_LEVELS.map((value) => (
            <option key={value} value={value}>
              {LEVEL_WORDS[value]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="extra-fields">
        <legend>Extra details (optional)</legend>
        {rows.length === 0 ? (
          <p className="field-hint">Add key and value pairs such as owner = finance.</p>
        ) : null}
        {rows.map((row, index) => (
          <div key={index} className="extra-field-row" data-testid="classify-row">
            <input
              className="input"
              aria-label={`Key ${index + 1}`}
              placeholder="key"
              value={row.key}
              onChange={(event) => updateRow(index, { key: event.target.value })}
              aria-invalid={error?.row === index || undefined}
              spellCheck={false}
              autoComplete="off"
            />
            <span aria-hidden="true">=</span>
            <input
              className="input"
              aria-label={`Value ${index + 1}`}
              placeholder="value"
              value={row.value}
              onChange={(event) => updateRow(index, { value: event.target.value })}
              autoComplete="off"
            />
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove row ${index + 1}`}
              title="Remove"
              onClick={() => {
                setRows((current) => current.filter((_, i) => i !== index));
                setError(null);
              }}
            >
              <Icon name="x" />
            </button>
            {error?.row === index ? (
              <p className="field-error extra-field-error" role="alert">
                {error.text}
              </p>
            ) : null}
          </div>
        ))}
        <button
          type="button"
          className="button button-ghost button-small"
          onClick={() => setRows((current) => [...current, { key: '', value: '' }])}
        >
          <Icon name="plus" size={14} />
          Add a row
        </button>
      </fieldset>
    </Dialog>
  );
}

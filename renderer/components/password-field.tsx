import { useId, type Ref } from 'react';
import { Icon } from './icons.tsx';

/**
 * A password input. The field given `onToggleVisible` carries the one show/hide button, which
 * reveals every password field of the form (so "Confirm password" has no button of its own and
 * its label stays unique).
 */
export function PasswordField({
  label,
  id: givenId,
  value,
  onChange,
  autoComplete,
  disabled,
  error,
  hint,
  inputRef,
  testId,
  visible,
  onToggleVisible,
  controls,
}: {
  label: string;
  id?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  disabled?: boolean;
  error?: string | null;
  hint?: string;
  inputRef?: Ref<HTMLInputElement>;
  testId?: string;
  visible: boolean;
  onToggleVisible?: () => void;
  /** Ids of the other inputs the toggle reveals too. */
  controls?: string;
}) {
  const ownId = useId();
  const id = givenId ?? ownId;
  // An error replaces the hint: it says the same thing, more pointedly.
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : '';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className={onToggleVisible ? 'input-with-action' : undefined}>
        <input
          id={id}
          ref={inputRef}
          className="input"
          type={visible ? 'text' : 'password'}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          autoComplete={autoComplete}
          spellCheck={false}
          autoCapitalize="off"
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          data-testid={testId}
        />
        {onToggleVisible ? (
          <button
            type="button"
            className="input-action"
            onClick={onToggleVisible}
            aria-label={visible ? 'Hide password' : 'Show password'}
            aria-pressed={visible}
            aria-controls={[id, controls].filter(Boolean).join(' ')}
            disabled={disabled}
            title={visible ? 'Hide password' : 'Show password'}
          >
            <Icon name={visible ? 'eye-off' : 'eye'} />
          </button>
        ) : null}
      </div>
      {hint && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

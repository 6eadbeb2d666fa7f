import { Icon } from './icons.tsx';

/** A problem in plain words, with the one thing to do about it. */
export function ErrorBanner({
  title,
  message,
  onRetry,
  retryLabel = 'Try again',
  testId = 'error-banner',
}: {
  title?: string;
  message: string;
  onRetry?: () => void;
  retryLabel?: string;
  testId?: string;
}) {
  return (
    <div className="banner banner-error" role="alert" data-testid={testId}>
      <Icon name="alert" />
      <div className="banner-text">
        {title ? <strong>{title}</strong> : null} <span>{message}</span>
      </div>
      {onRetry ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          <Icon name="refresh" size={14} />
          {retryLabel}
        </button>
      ) : null}
    </div>
  );
}

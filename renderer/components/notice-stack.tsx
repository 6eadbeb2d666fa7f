import { printable } from '../../bridge/printable.ts';
import { uiSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

/** Short messages about things that happened away from any one control. */
export function NoticeStack() {
  const notices = useAppStore(uiSelectors.notices);
  const dismissNotice = useAppStore((s) => s.dismissNotice);
  return (
    <div className="notice-stack" aria-live="polite">
      {notices.map((notice) => (
        <div
          key={notice.id}
          className={`notice notice-${notice.tone}`}
          role={notice.tone === 'error' ? 'alert' : 'status'}
          data-testid="notice"
        >
          <Icon name={notice.tone === 'error' || notice.tone === 'warning' ? 'alert' : 'info'} />
          <span className="notice-text">{printable(notice.text)}</span>
          <button
            type="button"
            className="icon-button"
            aria-label="Dismiss"
            title="Dismiss"
            onClick={() => dismissNotice(notice.id)}
          >
            <Icon name="x" />
          </button>
        </div>
      ))}
    </div>
  );
}

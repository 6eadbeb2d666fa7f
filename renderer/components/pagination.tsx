import { filesSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

const number = new Intl.NumberFormat();

/** "1,234 files" and the page controls under the list. */
export function Pagination() {
  const count = useAppStore(filesSelectors.count);
  const page = useAppStore(filesSelectors.page);
  const pageCount = useAppStore(filesSelectors.pageCount);
  const status = useAppStore(filesSelectors.status);
  const goToPage = useAppStore((s) => s.goToPage);
  const first = page <= 1;
  const last = page >= pageCount;

  return (
    <nav className="pagination" aria-label="Pages" data-testid="pagination">
      <span className="file-count" data-testid="file-count" aria-live="polite">
        {status === 'loading' && count === 0
          ? 'Loading…'
          : `${number.format(count)} ${count === 1 ? 'file' : 'files'}`}
      </span>
      {pageCount > 1 ? (
        <span className="page-controls">
          <button
            type="button"
            className="icon-button"
            aria-label="First page"
            title="First page"
            disabled={first}
            onClick={() => goToPage(1)}
          >
            <Icon name="chevrons-left" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Previous page"
            title="Previous page"
            disabled={first}
            onClick={() => goToPage(page - 1)}
          >
            <Icon name="chevron-left" />
          </button>
          <span className="page-status" data-testid="page-status">
            Page {number.format(page)} of {number.format(pageCount)}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Next page"
            title="Next page"
            disabled={last}
            onClick={() => goToPage(page + 1)}
          >
            <Icon name="chevron-right" />
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Last page"
            title="Last page"
            disabled={last}
            onClick={() => goToPage(pageCount)}
          >
            <Icon name="chevrons-right" />
          </button>
        </span>
      ) : null}
    </nav>
  );
}

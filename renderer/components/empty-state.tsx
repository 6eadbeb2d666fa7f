import { filesSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

/** What the list says when it has nothing to show, and how to change that. */
export function EmptyState() {
  const search = useAppStore(filesSelectors.search);
  const setSearch = useAppStore((s) => s.setSearch);
  if (search.trim()) {
    return (
      <div className="empty-state" data-testid="empty-state">
        <Icon name="search" size={32} />
        <p className="empty-title">No files match “{search.trim()}”.</p>
        <p className="empty-text">Check the spelling, or try fewer words.</p>
        <button type="button" className="button" onClick={() => setSearch('')}>
          Clear search
        </button>
      </div>
    );
  }
  return (
    <div className="empty-state" data-testid="empty-state">
      <Icon name="upload" size={32} />
      <p className="empty-title">No files here yet. Drop files or use Add files.</p>
      <p className="empty-text">Files are encrypted on this computer before they are stored.</p>
    </div>
  );
}

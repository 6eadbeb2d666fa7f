import { useEffect, useRef, useState } from 'react';
import { filesSelectors, useAppStore } from '../store/index.ts';
import { Icon } from './icons.tsx';

/** How long typing must pause before the list is asked again. */
const DEBOUNCE_MS = 250;

export function SearchBox() {
  const committed = useAppStore(filesSelectors.search);
  const setSearch = useAppStore((s) => s.setSearch);
  const [text, setText] = useState(committed);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // The store can clear the search (another folder, sign-out); follow it.
  useEffect(() => setText(committed), [committed]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);

  const change = (value: string, immediately = false) => {
    setText(value);
    if (timer.current) clearTimeout(timer.current);
    if (immediately) setSearch(value);
    else timer.current = setTimeout(() => setSearch(value), DEBOUNCE_MS);
  };

  return (
    <div className="search-box" role="search">
      <Icon name="search" className="search-icon" />
      <input
        className="input search-input"
        type="search"
        aria-label="Search files"
        placeholder="Search files"
        value={text}
        onChange={(event) => change(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && text) {
            event.preventDefault();
            change('', true);
          }
          if (event.key === 'Enter') change(text, true);
        }}
        spellCheck={false}
        autoComplete="off"
        data-testid="search-input"
      />
    </div>
  );
}

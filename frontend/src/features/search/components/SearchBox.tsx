import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useNavigate, useSearchParams, useMatch } from 'react-router';
import { limits } from '@messaging-app/shared';
import { Icon } from '../../../components/Icon';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The search field of the app's header: Ctrl+K (⌘K on a Mac) focuses it, Enter opens the results. */
export function SearchBox() {
  const navigate = useNavigate();
  const onResults = useMatch('/search');
  const [params] = useSearchParams();
  const current = onResults ? (params.get('q') ?? '') : '';
  const [text, setText] = useState(current);
  const input = useRef<HTMLInputElement>(null);

  // The results page's query shows in the box (a link, back and forward).
  useEffect(() => setText(current), [current]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() === 'k' && (event.ctrlKey || event.metaKey) && !event.altKey) {
        event.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const q = text.trim();
    if (q !== '') void navigate(`/search?${new URLSearchParams({ q }).toString()}`);
  }

  return (
    <form role="search" className="search-box" onSubmit={submit}>
      <Icon name="search" />
      <input
        ref={input}
        type="search"
        aria-label="Search messages"
        aria-keyshortcuts={isMac ? 'Meta+K' : 'Control+K'}
        placeholder={`Search (${isMac ? '⌘K' : 'Ctrl+K'})`}
        maxLength={limits.searchQueryMax}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') event.currentTarget.blur();
        }}
      />
    </form>
  );
}

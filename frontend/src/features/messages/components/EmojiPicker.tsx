import { useEffect, useRef, useState } from 'react';
import { emojiList, searchEmoji } from './emoji';

/** A small popover of common emoji with a search by name; Escape closes it. */
export function EmojiPicker({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  const [query, setQuery] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const shown = query.trim() ? searchEmoji(query) : emojiList;
  return (
    <div
      className="emoji-picker"
      role="dialog"
      aria-label="Pick a reaction"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        ref={input}
        type="search"
        className="emoji-search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <div className="emoji-grid">
        {shown.map(({ emoji, names }) => (
          <button
            key={emoji}
            type="button"
            className="emoji-option"
            aria-label={names.split(' ').slice(0, 2).join(' ')}
            title={names}
            onClick={() => onPick(emoji)}
          >
            {emoji}
          </button>
        ))}
        {shown.length === 0 && <p className="muted small">No emoji found.</p>}
      </div>
    </div>
  );
}

import { useCallback, useState } from 'react';

const prefix = 'messaging-app.draft';

/** Where a room's unsent text is kept: per user and room, in this browser (localStorage is per origin). */
export const draftKey = (userId: string, roomId: string) => `${prefix}.${userId}.${roomId}`;

function read(key: string | null): string {
  if (!key) return '';
  try {
    return localStorage.getItem(key) ?? '';
  } catch (error) {
    // Storage disabled (some private modes): the draft lives as long as the composer.
    console.warn('could not read the draft', error);
    return '';
  }
}

function write(key: string | null, text: string) {
  if (!key) return;
  try {
    if (text) localStorage.setItem(key, text);
    else localStorage.removeItem(key);
  } catch (error) {
    console.warn('could not keep the draft', error);
  }
}

/** A composer's text that survives reloads and room switches. */
export function useDraft(key: string | null): [string, (text: string) => void] {
  const [state, setState] = useState(() => ({ key, text: read(key) }));
  // The key arrived (the profile loaded) or changed: show what was kept under it.
  let current = state;
  if (state.key !== key) {
    current = { key, text: read(key) };
    setState(current);
  }
  const setDraft = useCallback(
    (text: string) => {
      setState({ key, text });
      write(key, text);
    },
    [key],
  );
  return [current.text, setDraft];
}

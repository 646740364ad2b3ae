import { useEffect, useRef } from 'react';
import type { KeyboardEvent } from 'react';
import { limits } from '@messaging-app/shared';
import { useDraft } from '../hooks/useDraft';

interface Props {
  roomName: string;
  /** A DM: "Message Ada", not "Message #Ada". */
  isDm?: boolean;
  /** Where the unsent text is kept across reloads and room switches (null: nowhere). */
  draftKey: string | null;
  /** Hands the message to the outbox; a rejection puts the text back. */
  onSend(body: string): Promise<void>;
  onTyping(): void;
  /** ↑ in an empty composer: edit the user's last message; false when there is none. */
  onEditLast?(): boolean;
}

/**
 * Enter sends, Shift+Enter breaks the line; the draft clears as soon as the message is handed over,
 * and until then is kept for this room.
 */
export function Composer({ roomName, isDm = false, draftKey, onSend, onTyping, onEditLast }: Props) {
  const label = isDm ? `Message ${roomName}` : `Message #${roomName}`;
  const [draft, setDraft] = useDraft(draftKey);
  const input = useRef<HTMLTextAreaElement>(null);

  // Ready to type on opening a room, as in Slack; not on touch screens, where it would pop the keyboard.
  useEffect(() => {
    if (window.matchMedia?.('(pointer: fine)').matches) input.current?.focus();
  }, []);
  const tooLong = draft.length > limits.messageBodyMax;

  function submit() {
    const body = draft.trim();
    if (!body || tooLong) return;
    setDraft('');
    onSend(body).catch((error: unknown) => {
      console.error('the message could not be queued', error);
      setDraft(draft);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'ArrowUp' && draft === '' && onEditLast?.()) {
      event.preventDefault();
      return;
    }
    // While an IME composes, Enter confirms the composition rather than sending.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        {label}
      </label>
      <textarea
        ref={input}
        id="composer-input"
        rows={Math.min(8, Math.max(1, draft.split('\n').length))}
        placeholder={label}
        value={draft}
        aria-describedby="composer-help"
        aria-invalid={tooLong || undefined}
        onChange={(event) => {
          setDraft(event.target.value);
          if (event.target.value) onTyping();
        }}
        onKeyDown={onKeyDown}
      />
      <button type="submit" className="button primary" disabled={!draft.trim() || tooLong}>
        Send
      </button>
      <p id="composer-help" className={tooLong ? 'composer-help error' : 'composer-help'}>
        {tooLong
          ? `${draft.length - limits.messageBodyMax} characters over the ${limits.messageBodyMax} limit`
          : 'Enter to send, Shift+Enter for a new line'}
      </p>
    </form>
  );
}

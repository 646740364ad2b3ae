import { useEffect, useRef, useState } from 'react';
import { limits } from '@messaging-app/shared';
import { ApiError } from '../../../utils/api';

/** Edits a message in place: Enter saves, Shift+Enter breaks the line, Escape cancels. */
export function EditMessageForm({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave(body: string): Promise<void>;
  onCancel(): void;
}) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  const body = text.trim();
  const invalid = !body || text.length > limits.messageBodyMax;

  function save() {
    if (invalid || saving) return;
    if (body === initial) return onCancel();
    setSaving(true);
    onSave(body)
      .then(onCancel)
      .catch((e: unknown) => {
        setSaving(false);
        setError(e instanceof ApiError ? e.message : 'Could not save the edit.');
      });
  }

  return (
    <form
      className="edit-message"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <label className="visually-hidden" htmlFor="edit-message-input">
        Edit message
      </label>
      <textarea
        id="edit-message-input"
        ref={input}
        value={text}
        rows={Math.min(8, Math.max(1, text.split('\n').length))}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onCancel();
          } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            save();
          }
        }}
      />
      <div className="edit-message-actions">
        <button type="button" className="button subtle" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={invalid || saving}>
          Save
        </button>
        <span className="muted small">Escape to cancel, Enter to save</span>
      </div>
      {error && (
        <p role="alert" className="message-status">
          {error}
        </p>
      )}
    </form>
  );
}

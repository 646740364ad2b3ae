import { useState } from 'react';
import { Dialog } from '../../../components/Dialog';
import { ApiError } from '../../../utils/api';

/** Asks before deleting: a deleted message cannot come back (its text and history are erased). */
export function DeleteMessageDialog({ onDelete, onClose }: { onDelete(): Promise<void>; onClose(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title="Delete message?" onClose={onClose}>
      <p>The message will show as deleted for everyone. Its text and edit history are erased.</p>
      {error && <p role="alert">{error}</p>}
      <div className="dialog-actions">
        <button type="button" className="button subtle" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            onDelete()
              .then(onClose)
              .catch((e: unknown) => {
                setBusy(false);
                setError(e instanceof ApiError ? e.message : 'Could not delete the message.');
              });
          }}
        >
          Delete
        </button>
      </div>
    </Dialog>
  );
}

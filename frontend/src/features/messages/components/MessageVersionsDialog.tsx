import { useQuery } from '@tanstack/react-query';
import type { Message } from '@messaging-app/shared';
import { Dialog } from '../../../components/Dialog';
import { formatTime } from '../../../utils/format';
import { fetchMessageHistory, messageHistoryKey } from '../api/changes';

/** The earlier versions of an edited message, oldest first, then the current text. */
export function MessageVersionsDialog({ message, onClose }: { message: Message; onClose(): void }) {
  const history = useQuery({
    queryKey: messageHistoryKey(message.roomId, message.id),
    queryFn: () => fetchMessageHistory(message.roomId, message.id),
  });
  return (
    <Dialog title="Edit history" onClose={onClose}>
      {history.isPending ? (
        <p>Loading…</p>
      ) : history.isError ? (
        <p role="alert">Could not load the earlier versions.</p>
      ) : (
        <ol className="message-versions">
          {history.data.versions.map((version, index) => (
            <li key={`${index}-${version.editedAt}`}>
              <time dateTime={version.editedAt}>{formatTime(version.editedAt)}</time>
              <p className="message-version-body">{version.body}</p>
            </li>
          ))}
          <li>
            <time dateTime={message.editedAt ?? message.createdAt}>
              {formatTime(message.editedAt ?? message.createdAt)} (current)
            </time>
            <p className="message-version-body">{message.body}</p>
          </li>
        </ol>
      )}
    </Dialog>
  );
}

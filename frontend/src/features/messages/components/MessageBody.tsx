import { Markdown } from '../markdown/Markdown';

/** A message body: Markdown rendered safely (links open in a new tab without access to this one, mentions stand out). */
export function MessageBody({ body, myUsername }: { body: string; myUsername?: string | undefined }) {
  return (
    <div className="message-body markdown">
      <Markdown body={body} myUsername={myUsername} />
    </div>
  );
}

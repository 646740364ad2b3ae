import { tokenize } from '../../../utils/tokenize';

/** A message body as text: links open in a new tab without access to this one, mentions stand out. */
export function MessageBody({ body, myUsername }: { body: string; myUsername?: string | undefined }) {
  const me = myUsername?.toLowerCase();
  return (
    <div className="message-body">
      {tokenize(body).map((token, index) => {
        if (token.kind === 'link') {
          return (
            <a key={index} href={token.href} target="_blank" rel="noopener noreferrer">
              {token.text}
            </a>
          );
        }
        if (token.kind === 'mention') {
          return (
            <span key={index} className={token.username === me ? 'mention mention-me' : 'mention'}>
              {token.text}
            </span>
          );
        }
        return token.text;
      })}
    </div>
  );
}

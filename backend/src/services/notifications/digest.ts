/** One pending notification as the email shows it. */
export interface DigestItem {
  type: 'mention' | 'room_invite';
  roomId: string | null;
  roomName: string | null;
  actorName: string | null;
  excerpt: string;
  /** The message the notification is about: the link opens the room scrolled to it. */
  messageId: string | null;
  /** A `room_invite` that waits for consent: it links to the invitations, not into the room. */
  invitation?: boolean;
}

export interface RenderedDigest {
  subject: string;
  text: string;
  html: string;
}

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Everything from users (names, room names, message text) goes through this before HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** Subjects are one line whatever a display name contains. */
const oneLine = (value: string) => value.replace(/[\r\n]+/g, ' ').trim();

/** The web client's room route; `?message=` is the parameter it reads to highlight a message. */
function linkOf(publicUrl: string, item: DigestItem): string {
  if (item.invitation) return `${publicUrl}/notifications`;
  if (!item.roomId) return `${publicUrl}/`;
  const room = `${publicUrl}/rooms/${encodeURIComponent(item.roomId)}`;
  return item.messageId === null ? room : `${room}?message=${encodeURIComponent(item.messageId)}`;
}

function headline(item: DigestItem): string {
  const who = item.actorName ?? 'Someone';
  // A DM has no name: its notifications come from the conversation itself.
  const where = item.roomName ? `#${item.roomName}` : 'a direct message';
  if (item.type === 'mention') return `${who} mentioned you in ${where}`;
  return item.invitation ? `${who} invited you to ${where}` : `${who} added you to ${where}`;
}

/** One email for every pending notification of a recipient: subject, plain text and HTML. */
export function renderDigest(input: {
  recipientName: string;
  items: DigestItem[];
  publicUrl: string;
}): RenderedDigest {
  const { items, publicUrl } = input;
  const profile = `${publicUrl}/profile`;
  const first = items[0];
  if (!first) throw new Error('a digest needs at least one notification');
  const subject = oneLine(
    items.length === 1 ? headline(first) : `${items.length} new notifications in messaging-app`,
  );
  const textItems = items.map((item) => {
    const lines = [headline(item)];
    if (item.excerpt) lines.push(`  "${item.excerpt}"`);
    lines.push(`  ${linkOf(publicUrl, item)}`);
    return lines.join('\n');
  });
  const text = [
    `Hi ${input.recipientName},`,
    '',
    `You have ${items.length === 1 ? 'a new notification' : `${items.length} new notifications`} while you were away:`,
    '',
    textItems.join('\n\n'),
    '',
    `Turn these emails off in your profile: ${profile}`,
  ].join('\n');
  const htmlItems = items
    .map((item) => {
      const excerpt = item.excerpt ? `<blockquote>${escapeHtml(item.excerpt)}</blockquote>` : '';
      return `<li><p><a href="${escapeHtml(linkOf(publicUrl, item))}">${escapeHtml(headline(item))}</a></p>${excerpt}</li>`;
    })
    .join('');
  const html = [
    '<!doctype html><html><body>',
    `<p>Hi ${escapeHtml(input.recipientName)},</p>`,
    `<p>You have ${items.length === 1 ? 'a new notification' : `${items.length} new notifications`} while you were away:</p>`,
    `<ul>${htmlItems}</ul>`,
    `<p><small>Turn these emails off in your <a href="${escapeHtml(profile)}">profile</a>.</small></p>`,
    '</body></html>',
  ].join('');
  return { subject, text, html };
}

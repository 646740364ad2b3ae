/** Sizes shared by the server's validation and the client's forms. */
export const limits = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 128,
  displayNameMax: 64,
  emailMax: 254,
  roomNameMax: 80,
  roomDescriptionMax: 500,
  messageBodyMax: 4000,
  pageSizeMax: 100,
  pageSizeDefault: 50,
  /** Different emoji one person may put on one message. */
  reactionsPerUserPerMessage: 20,
  userSearchMax: 20,
  userSearchDefault: 10,
  /** Characters of a message search, filters included. */
  searchQueryMax: 200,
  searchPageMax: 50,
  searchPageDefault: 20,
  /** Pending invitations listed at once. */
  invitationListMax: 100,
  /** Largest HTTP request body, in bytes. */
  httpBodyMax: 1024 * 1024,
  /** Largest WebSocket frame, in bytes. */
  wsFrameMax: 64 * 1024,
} as const;

/** `@username` mentions: the same rule on both sides. */
export const usernamePattern = /^[A-Za-z0-9_]+$/;
export const mentionPattern = /(?<![A-Za-z0-9_@])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/g;

/** Lower-cased usernames mentioned in a message body, each once. */
export function parseMentions(body: string): string[] {
  const names = new Set<string>();
  for (const match of body.matchAll(mentionPattern)) {
    const name = match[1];
    if (name) names.add(name.toLowerCase());
  }
  return [...names];
}

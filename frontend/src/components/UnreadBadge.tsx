/** The name of a link with an unread count: "general, 3 unread" (the badge itself is decoration). */
export function withUnread(name: string, count: number): string {
  return count > 0 ? `${name}, ${count} unread` : name;
}

/** A count badge; its link carries the count in its name with `withUnread`. */
export function UnreadBadge({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span className="badge" aria-hidden="true">
      {count > 99 ? '99+' : count}
    </span>
  );
}

import { useEffect, useState } from 'react';

/** Whether `afterMs` have passed since `since` (an ISO time); turns true by itself when they have. */
export function useOverdue(since: string, afterMs: number): boolean {
  const due = Date.parse(since) + afterMs;
  const [overdue, setOverdue] = useState(() => Date.now() >= due);
  useEffect(() => {
    if (overdue) return;
    const timer = setTimeout(() => setOverdue(true), Math.max(0, due - Date.now()));
    return () => clearTimeout(timer);
  }, [due, overdue]);
  return overdue;
}

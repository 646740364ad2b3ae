import { describe, expect, it, vi } from 'vitest';
import { act, render, screen } from '@testing-library/react';
import { PendingItem } from './MessageItem';
import type { PendingMessage } from '../api/cache';

const pending = (createdAt: Date): PendingMessage => ({
  clientMsgId: 'c-1',
  roomId: 'r-1',
  body: 'hello',
  createdAt: createdAt.toISOString(),
  status: 'sending',
});

function renderItem(message: PendingMessage, offline = false) {
  return render(
    <ul>
      <PendingItem pending={message} myName="Ann" offline={offline} onRetry={() => {}} onDiscard={() => {}} />
    </ul>,
  );
}

describe('a message waiting in the outbox', () => {
  it('says it is not sent yet once the connected server has not taken it for 5 s, and not before', () => {
    vi.useFakeTimers();
    try {
      renderItem(pending(new Date()));
      expect(screen.queryByText(/Not sent yet/)).toBeNull();
      act(() => vi.advanceTimersByTime(5_000));
      expect(screen.getByText(/Not sent yet: the server is not answering/)).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it('says it waits for the connection while offline, however old', () => {
    renderItem(pending(new Date(Date.now() - 60_000)), true);
    expect(screen.getByText('Waiting for the connection…')).toBeInTheDocument();
    expect(screen.queryByText(/Not sent yet/)).toBeNull();
  });
});

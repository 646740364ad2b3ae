import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MessageList } from './MessageList';
import type { MessageListProps } from './MessageList';
import { aMessage, aUser } from '../../../test/factories';

const roomId = crypto.randomUUID();
const me = { id: crypto.randomUUID(), username: 'grace', displayName: 'Grace' };
const ada = aUser({ displayName: 'Ada' });
const linus = aUser({ displayName: 'Linus' });

function renderList(props: Partial<MessageListProps>) {
  const all: MessageListProps = {
    roomName: 'general',
    messages: [],
    pending: [],
    readSeq: null,
    me,
    hasOlder: false,
    loadingOlder: false,
    onLoadOlder: vi.fn(),
    onRetry: vi.fn(),
    onDiscard: vi.fn(),
    onAtBottomChange: vi.fn(),
    ...props,
  };
  render(<MessageList {...all} />);
  return all;
}

describe('MessageList', () => {
  it('renders a body as text, never as HTML, with safe links and highlighted mentions', () => {
    const body = '<img src=x onerror=alert(1)> see https://example.com/a?b=1, @grace and @linus';
    renderList({ messages: [aMessage(roomId, 1, { sender: ada, body })] });
    const log = screen.getByRole('log', { name: 'Messages in general' });
    expect(log.querySelector('img')).toBeNull();
    expect(within(log).getByText(/<img src=x onerror=alert\(1\)>/)).toBeInTheDocument();
    const link = within(log).getByRole('link', { name: 'https://example.com/a?b=1' });
    expect(link).toHaveAttribute('href', 'https://example.com/a?b=1');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(link).toHaveAttribute('target', '_blank');
    expect(within(log).getByText('@grace')).toHaveClass('mention', 'mention-me');
    expect(within(log).getByText('@linus')).toHaveClass('mention');
    expect(within(log).getByText('@linus')).not.toHaveClass('mention-me');
  });

  it('does not turn javascript: URLs into links', () => {
    renderList({ messages: [aMessage(roomId, 1, { body: 'javascript:alert(1) and data:text/html,hi' })] });
    expect(screen.queryByRole('link')).toBeNull();
  });

  it('separates days, groups consecutive messages of one sender, and marks where the new ones start', () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    renderList({
      readSeq: 3,
      messages: [
        aMessage(roomId, 1, { sender: ada, createdAt: yesterday, body: 'old news' }),
        aMessage(roomId, 2, { sender: ada, createdAt: at(3), body: 'first today' }),
        aMessage(roomId, 3, { sender: ada, createdAt: at(2), body: 'second today' }),
        aMessage(roomId, 4, { sender: linus, createdAt: at(1), body: 'unread one' }),
      ],
    });
    expect(screen.getByRole('heading', { name: 'Yesterday' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Today' })).toBeInTheDocument();
    const items = within(screen.getByRole('log')).getAllByRole('listitem');
    const texts = items.map((li) => li.textContent ?? '');
    const divider = texts.findIndex((t) => t === 'New messages');
    expect(texts[divider + 1]).toContain('unread one');
    // The second message of Ada's run today has no header of its own.
    const second = items.find((li) => li.textContent?.includes('second today'));
    expect(second).toHaveClass('grouped');
    const first = items.find((li) => li.textContent?.includes('first today'));
    expect(first).not.toHaveClass('grouped');
  });

  it('shows why a message was refused, with a retry and a delete', async () => {
    const pending = {
      clientMsgId: crypto.randomUUID(),
      roomId,
      body: 'did it go?',
      createdAt: new Date().toISOString(),
      status: 'failed' as const,
      error: 'join the room first',
    };
    const props = renderList({ pending: [pending] });
    expect(screen.getByRole('alert')).toHaveTextContent('Not sent: join the room first');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(props.onRetry).toHaveBeenCalledWith(pending);
    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(props.onDiscard).toHaveBeenCalledWith(pending);
  });

  it('shows queued messages in typing order, waiting while offline, once each', () => {
    const queued = (body: string) => ({
      clientMsgId: crypto.randomUUID(),
      roomId,
      body,
      createdAt: new Date().toISOString(),
      status: 'sending' as const,
    });
    const [one, two, three] = [queued('one'), queued('two'), queued('three')];
    // `one` has landed over the socket while the outbox has not forgotten it yet.
    const landed = aMessage(roomId, 7, { body: 'one', clientMsgId: one.clientMsgId });
    renderList({ messages: [landed], pending: [one, two, three], offline: true });
    const items = within(screen.getByRole('log')).getAllByRole('listitem');
    const texts = items.map((li) => li.textContent ?? '').filter((t) => /one|two|three/.test(t));
    expect(texts).toHaveLength(3);
    expect(texts[0]).not.toContain('Waiting');
    expect(texts[1]).toContain('two');
    expect(texts[1]).toContain('Waiting for the connection…');
    expect(texts[2]).toContain('three');
  });

  it('offers older history when there is more', async () => {
    const props = renderList({ hasOlder: true, messages: [aMessage(roomId, 51)] });
    await userEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(props.onLoadOlder).toHaveBeenCalled();
  });

  it('wraps long words instead of overflowing', () => {
    renderList({ messages: [aMessage(roomId, 1, { body: 'x'.repeat(500) })] });
    expect(screen.getByText('x'.repeat(500)).closest('.message-body')).not.toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SearchPage, SearchResult } from '@messaging-app/shared';
import { renderApp } from '../../../test/render';
import { aMessage, aProfile, aRoom, aUser } from '../../../test/factories';
import { problem } from '../../../test/fakeApi';

function aResult(roomId: string, seq: number, body: string, word: string): SearchResult {
  const start = body.indexOf(word);
  return {
    message: aMessage(roomId, seq, { body, sender: aUser({ displayName: 'Ann Lee' }) }),
    roomId,
    highlight: { text: body, ranges: start < 0 ? [] : [{ start, end: start + word.length }] },
  };
}

const general = aRoom({ name: 'general' });
const random = aRoom({ name: 'random' });

function setup(pages: Record<string, SearchPage | ReturnType<typeof problem>>, route = '/') {
  return renderApp({
    me: aProfile(),
    route,
    handlers: {
      listRooms: () => ({ body: { rooms: [general, random] } }),
      searchMessages: ({ query }) => {
        const page = pages[`${query.get('q')}|${query.get('cursor') ?? ''}`];
        if (!page) throw new Error(`unexpected search ${query.toString()}`);
        return 'results' in page ? { body: page } : page;
      },
      listMessages: ({ params }) => ({
        body: { messages: [aMessage(params.id ?? '', 1, { body: 'in context' })], hasMore: false },
      }),
      listParticipants: () => ({ body: { participants: [] } }),
      markRead: () => ({ status: 204 }),
    },
  });
}

describe('message search', () => {
  it('focuses the search box with Ctrl+K and shows results grouped by room, matches marked', async () => {
    const pages: Record<string, SearchPage> = {};
    pages['deploy|'] = {
      results: [
        aResult(general.id, 3, 'we deploy on friday', 'deploy'),
        aResult(random.id, 8, 'deploy <b>now</b>', 'deploy'),
        aResult(general.id, 1, 'who can deploy?', 'deploy'),
      ],
      nextCursor: null,
    };
    setup(pages);
    const box = await screen.findByRole('searchbox', { name: 'Search messages' });
    expect(box).not.toHaveFocus();
    await userEvent.keyboard('{Control>}k{/Control}');
    expect(box).toHaveFocus();
    await userEvent.type(box, 'deploy{Enter}');

    const inGeneral = await screen.findByRole('region', { name: 'Results in general' });
    const inRandom = screen.getByRole('region', { name: 'Results in random' });
    expect(
      within(inGeneral)
        .getAllByRole('link')
        .map((link) => link.textContent),
    ).toEqual([expect.stringContaining('we deploy on friday'), expect.stringContaining('who can deploy?')]);
    const marks = [...inGeneral.querySelectorAll('mark')].map((mark) => mark.textContent);
    expect(marks).toEqual(['deploy', 'deploy']);
    // A message's text is text: markup in it is shown, never interpreted.
    expect(within(inRandom).getByRole('link')).toHaveTextContent('deploy <b>now</b>');
    expect(inRandom.querySelector('b')).toBeNull();
  });

  it('opens a result in its room at the message', async () => {
    const pages: Record<string, SearchPage> = {
      'friday|': { results: [aResult(general.id, 3, 'see you friday', 'friday')], nextCursor: null },
    };
    setup(pages, '/search?q=friday');
    await userEvent.click(await screen.findByRole('link', { name: /see you friday/ }));
    // The room's own heading (level 1), not the results page's group heading of the same name.
    expect(await screen.findByRole('heading', { name: 'general', level: 1 })).toBeInTheDocument();
    expect(await screen.findByText('in context')).toBeInTheDocument();
  });

  it('loads the next page with More results', async () => {
    const pages: Record<string, SearchPage> = {
      'lunch|': { results: [aResult(general.id, 2, 'lunch at noon', 'lunch')], nextCursor: 'page-2' },
      'lunch|page-2': { results: [aResult(random.id, 1, 'lunch again', 'lunch')], nextCursor: null },
    };
    setup(pages, '/search?q=lunch');
    await screen.findByText('noon', { exact: false });
    await userEvent.click(screen.getByRole('button', { name: 'More results' }));
    expect(await screen.findByRole('region', { name: 'Results in random' })).toHaveTextContent('lunch again');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'More results' })).toBeNull());
  });

  it('says when nothing matches, and shows the server’s reason for a bad query', async () => {
    const pages = {
      'nothing|': { results: [], nextCursor: null },
      'before:soon|': problem(
        400,
        'bad_request',
        'q: type a word to search for (filters alone find nothing)',
      ),
    };
    setup(pages, '/search?q=nothing');
    expect(await screen.findByText(/No messages match “nothing”/)).toBeInTheDocument();
    const box = screen.getByRole('searchbox', { name: 'Search messages' });
    expect(box).toHaveValue('nothing');
    await userEvent.clear(box);
    await userEvent.type(box, 'before:soon{Enter}');
    expect(await screen.findByText(/type a word to search for/)).toBeInTheDocument();
  });
});

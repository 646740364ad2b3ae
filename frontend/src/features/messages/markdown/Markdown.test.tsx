import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Markdown } from './Markdown';

function renderBody(body: string, me = 'grace') {
  const { container } = render(
    <div className="message-body markdown">
      <Markdown body={body} myUsername={me} />
    </div>,
  );
  return container;
}

describe('Markdown in a message', () => {
  it('renders bold, italic, strike, inline code, quotes and lists as elements', () => {
    const container = renderBody(
      '**bold** _italic_ ~~gone~~ `x = 1`\n\n> quoted\n\n- one\n- two\n\n1. first\n2. second',
    );
    expect(container.querySelector('strong')).toHaveTextContent('bold');
    expect(container.querySelector('em')).toHaveTextContent('italic');
    expect(container.querySelector('del')).toHaveTextContent('gone');
    expect(container.querySelector('code')).toHaveTextContent('x = 1');
    expect(container.querySelector('blockquote')).toHaveTextContent('quoted');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      'one',
      'two',
      'first',
      'second',
    ]);
  });

  it('shows a fenced code block in a scrolling pre with a copy button that copies its text', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    const user = userEvent.setup();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const code = `const long = "${'y'.repeat(300)}";\nconsole.log(long);`;
    const container = renderBody(`look:\n\n\`\`\`js\n${code}\n\`\`\``);
    expect(container.querySelector('pre')).toHaveTextContent('console.log(long);');
    await user.click(screen.getByRole('button', { name: 'Copy code' }));
    expect(writeText).toHaveBeenCalledWith(code);
    expect(await screen.findByRole('button', { name: 'Copied' })).toBeInTheDocument();
  });

  it('never renders raw HTML: tags show as the text they are', () => {
    const container = renderBody(
      '<img src=x onerror=alert(1)> <script>alert(2)</script>\n\n<iframe src="https://evil.example"></iframe>',
    );
    expect(container.querySelector('img, script, iframe')).toBeNull();
    expect(container).toHaveTextContent('<img src=x onerror=alert(1)>');
    expect(container).toHaveTextContent('<iframe src="https://evil.example"></iframe>');
  });

  it('makes only http, https and mailto links clickable; javascript: and data: stay inert text', () => {
    const container = renderBody(
      [
        '[x](javascript:alert(1))',
        '[y](JaVaScRiPt:alert(1))',
        '[z](data:text/html,<script>alert(1)</script>)',
        '[rel](/api/profile)',
        '<javascript:alert(3)>',
        '![pic](javascript:alert(4))',
        '[ok](https://example.com/a?b=1)',
        '<https://example.com/"onmouseover="alert(5)>',
        'mail me@example.com',
      ].join('\n\n'),
    );
    const links = screen.getAllByRole('link');
    for (const link of links) {
      expect(link.getAttribute('href')).toMatch(/^(https:|mailto:)/);
      expect(link).toHaveAttribute('rel', 'noopener noreferrer');
      expect(link.getAttribute('onmouseover')).toBeNull();
    }
    expect(links.map((l) => l.textContent)).toEqual([
      'ok',
      'https://example.com/"onmouseover="alert(5)',
      'me@example.com',
    ]);
    expect(container.innerHTML).not.toMatch(/href="(javascript|data):/i);
    expect(screen.getByText('x')).not.toHaveAttribute('href');
    expect(container.querySelector('img')).toBeNull();
  });

  it('highlights @mentions, mine differently, but not in code or inside links', () => {
    const container = renderBody('hi @grace and @Linus, `@nobody` [@link](https://example.com)');
    expect(screen.getByText('@grace')).toHaveClass('mention', 'mention-me');
    expect(screen.getByText('@Linus')).toHaveClass('mention');
    expect(screen.getByText('@Linus')).not.toHaveClass('mention-me');
    expect(container.querySelectorAll('.mention')).toHaveLength(2);
  });

  it('keeps the line breaks of a plain message', () => {
    const container = renderBody('line one\nline two');
    expect(container.querySelector('p')?.textContent).toBe('line one\nline two');
  });
});

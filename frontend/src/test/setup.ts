import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';

// findBy/waitFor give up after 5 s rather than 1 s: a first render on a loaded two-core runner has
// taken longer than a second. A passing test waits no longer for it.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  localStorage.clear();
});

// jsdom does no layout, so it has no scrolling API; the list calls it to bring a linked message into view.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};

import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

// jsdom does no layout, so it has no scrolling API; the list calls it to bring a linked message into view.
Element.prototype.scrollIntoView ??= function scrollIntoView() {};

import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy*/waitFor give up after 1 s by default: too short for a render on a
// loaded 2-core machine (the suite's own timeout is 30 s). A hung wait still
// fails, after 10 s.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  document.getElementById('root')?.removeAttribute('inert');
});

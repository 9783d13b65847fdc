import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { paths } from '@/config/paths';

// The renderer and the document are a separate chunk, fetched only here.
const Reference = lazy(() => import('./reference'));

// The API reference: public (no sign-in), rendered from the OpenAPI document
// the API itself serves at GET /openapi.json, bundled with the site so it
// needs no request to the API.
export function DocsRoute() {
  return (
    <div className="docs-page">
      <header className="docs-page__head">
        <h1 className="page-title">Sentinel API reference</h1>
        <p className="muted">
          Generated from the route table (<span className="mono">make openapi</span>); the same document is served at{' '}
          <span className="mono">GET /openapi.json</span>. <Link to={paths.signIn.href()}>Admin sign-in</Link>
        </p>
      </header>
      <Suspense fallback={<p className="muted">Loading the reference…</p>}>
        <Reference />
      </Suspense>
    </div>
  );
}

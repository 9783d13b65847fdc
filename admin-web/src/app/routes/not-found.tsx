import { Link } from 'react-router';
import { paths } from '@/config/paths';

export function NotFoundRoute() {
  return (
    <div className="empty-state empty-state--page">
      <h1 className="page-title">Page not found</h1>
      <p className="muted">There is nothing at this address.</p>
      <Link className="btn btn--secondary btn--md" to={paths.serviceApps.href()}>
        <span>Go to service apps</span>
      </Link>
    </div>
  );
}

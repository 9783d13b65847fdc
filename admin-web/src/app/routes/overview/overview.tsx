import { lazy, Suspense, useEffect } from 'react';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Section } from '@/components/ui/section';
import { Spinner } from '@/components/ui/spinner';
import { RelativeTime } from '@/components/ui/time';
import { env } from '@/config/env';
import { paths } from '@/config/paths';
import { targetHref } from '@/app/routes/activity/activity';
import { actionLabel, targetTypeLabel } from '@/features/activity/labels';
import { CHART_DAYS, fillDays } from '@/features/overview/chart-data';
import { getActivityPerDay, getRecentActivity, getStats, type Stats } from '@/features/overview/api/get-overview';
import { useLoad, type Resource } from '@/features/system/use-load';

// The chart library loads in its own chunk, after the numbers.
const ActivityChart = lazy(() => import('@/features/overview/components/activity-chart'));

const numbers = new Intl.NumberFormat();

function counts(s: Stats): { label: string; value: number; href: string; note?: string }[] {
  return [
    { label: 'Users', value: s.users, href: paths.users.href(), note: `${numbers.format(s.users_active)} active · ${numbers.format(s.users_inactive)} inactive` },
    { label: 'Workspaces', value: s.workspaces, href: paths.workspaces.href() },
    { label: 'Groups', value: s.groups, href: paths.workspaces.href() },
    { label: 'Service apps', value: s.service_apps, href: paths.serviceApps.href() },
    { label: 'Resources', value: s.resources, href: paths.permissions.href() },
  ];
}

/** Failed shows a load error with a retry, inside a section. */
function Failed({ resource, what, retry }: { resource: Resource<unknown>; what: string; retry: () => void }) {
  if (resource.status !== 'error') return null;
  return (
    <Alert tone="error" title={`Could not load ${what}.`} action={<Button onClick={retry}>Try again</Button>}>
      {resource.error.message}
    </Alert>
  );
}

export function OverviewRoute() {
  const stats = useLoad(['overview', 'stats'], getStats);
  const daily = useLoad(['overview', 'activity-per-day', CHART_DAYS], (signal) => getActivityPerDay(CHART_DAYS, signal));
  const recent = useLoad(['overview', 'recent-activity'], getRecentActivity);
  useEffect(() => {
    document.title = `Overview · ${env.appName} Admin`;
  }, []);
  const refresh = () => {
    stats.reload();
    daily.reload();
    recent.reload();
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Overview</h1>
          <p className="page-subtitle">What this deployment holds, and what admins have been doing.</p>
        </div>
        <div className="actions">
          <Button onClick={refresh}>Refresh</Button>
        </div>
      </header>

      <section aria-labelledby="counts-title">
        <h2 id="counts-title" className="visually-hidden">
          Counts
        </h2>
        {stats.resource.status === 'loading' ? (
          <div className="card card--center">
            <Spinner label="Loading counts" />
          </div>
        ) : stats.resource.status === 'error' ? (
          <Failed resource={stats.resource} what="the counts" retry={stats.reload} />
        ) : (
          <ul className="stat-grid">
            {counts(stats.resource.data).map((c) => (
              <li key={c.label} className="card stat">
                <Link to={c.href} className="stat__link">
                  <span className="stat__label">{c.label}</span>{' '}
                  <span className="stat__value" data-stat={c.label}>
                    {numbers.format(c.value)}
                  </span>
                </Link>
                {c.note ? <span className="stat__note">{c.note}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <Section title="Admin activity per day" description={`Activity log entries over the last ${CHART_DAYS} days. Days are UTC days (time zone: UTC).`}>
        {daily.resource.status === 'loading' ? (
          <Spinner label="Loading activity per day" />
        ) : daily.resource.status === 'error' ? (
          <Failed resource={daily.resource} what="activity per day" retry={daily.reload} />
        ) : (
          <Suspense fallback={<Spinner label="Loading the chart" />}>
            <ActivityChart points={fillDays(daily.resource.data.days, new Date(), CHART_DAYS)} />
          </Suspense>
        )}
      </Section>

      <Section title="Recent activity" action={<Link to={paths.activity.href()}>View all activity</Link>}>
        {recent.resource.status === 'loading' ? (
          <Spinner label="Loading recent activity" />
        ) : recent.resource.status === 'error' ? (
          <Failed resource={recent.resource} what="recent activity" retry={recent.reload} />
        ) : recent.resource.data.length === 0 ? (
          <p className="muted">Nothing has happened yet.</p>
        ) : (
          <ul className="recent-list" aria-label="Latest activity entries">
            {recent.resource.data.map((e) => {
              const href = targetHref(e);
              return (
                <li key={e.id} className="recent-list__item">
                  <span className="strong">{actionLabel(e.action)}</span>{' '}
                  <span className="muted">
                    {targetTypeLabel(e.target_type)}{' '}
                    {href ? (
                      <Link to={href} className="mono">
                        {e.target_id}
                      </Link>
                    ) : (
                      <span className="mono">{e.target_id}</span>
                    )}
                  </span>
                  <span className="recent-list__meta muted">
                    {e.actor} · <RelativeTime value={e.at} />
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </Section>
    </div>
  );
}

import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { Button } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { env } from '@/config/env';
import { useAuth } from '@/lib/auth';

// The navigation later sections slot into: flip `href` on when a page exists.
// Sections without a page are shown as "soon" and are not links, so nothing
// leads to an empty or pretend page.
const NAV: { label: string; href: string | null }[] = [
  { label: 'Overview', href: paths.home.href() },
  { label: 'Service apps', href: paths.serviceApps.href() },
  { label: 'Workspaces', href: paths.workspaces.href() },
  { label: 'Users', href: paths.users.href() },
  { label: 'Service actions', href: paths.serviceActions.href() },
  { label: 'Permissions', href: paths.permissions.href() },
  { label: 'Activity', href: paths.activity.href() },
  { label: 'Admins', href: paths.admins.href() },
  { label: 'System health', href: paths.health.href() },
  { label: 'Settings', href: paths.settings.href() },
];

export function AppLayout() {
  const { state, signOut } = useAuth();
  const [signingOut, setSigningOut] = useState(false);
  const email = state.status === 'signed-in' ? state.admin.email : '';
  // On narrow screens the navigation folds behind a menu button (CSS shows
  // the button and hides the panel below 821 px; on wider screens both the
  // button and the folding are inert).
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  useEffect(() => setMenuOpen(false), [pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside
        className={menuOpen ? 'sidebar sidebar--open' : 'sidebar'}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && menuOpen) {
            setMenuOpen(false);
            menuButton.current?.focus();
          }
        }}
      >
        <div className="sidebar__top">
          <div className="brand">
            <span className="brand__mark" aria-hidden="true">
              <svg viewBox="0 0 24 24" width="22" height="22">
                <path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3Z" fill="currentColor" />
                <path d="m8.5 12 2.5 2.5 4.5-5" fill="none" stroke="#fff" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
            </span>
            <span className="brand__name">{env.appName}</span>
            <span className="brand__tag">Admin</span>
          </div>
          <button
            ref={menuButton}
            type="button"
            className="btn btn--ghost btn--sm menu-button"
            aria-expanded={menuOpen}
            aria-controls="sidebar-panel"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <MenuIcon open={menuOpen} />
            Menu
          </button>
        </div>
        <div id="sidebar-panel" className="sidebar__panel">
          <nav aria-label="Main" className="nav">
            <ul>
              {NAV.map((item) => (
                <li key={item.label}>
                  {item.href ? (
                    <NavLink to={item.href} end={item.href === paths.home.href()} className={({ isActive }) => (isActive ? 'nav__link nav__link--active' : 'nav__link')}>
                      {item.label}
                    </NavLink>
                  ) : (
                    <span className="nav__link nav__link--disabled" aria-disabled="true">
                      {item.label}
                      <span className="nav__soon">Soon</span>
                    </span>
                  )}
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar__footer">
            <p className="sidebar__user" title={email}>
              <span className="visually-hidden">Signed in as </span>
              <NavLink to={paths.account.href()} className="sidebar__account" aria-label={`Your account (${email})`}>
                {email}
              </NavLink>
            </p>
            <Button
              size="sm"
              variant="ghost"
              busy={signingOut}
              onClick={async () => {
                setSigningOut(true);
                try {
                  await signOut();
                } catch {
                  setSigningOut(false);
                }
              }}
            >
              Sign out
            </Button>
          </div>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}

function MenuIcon({ open }: { open: boolean }) {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      {open ? (
        <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
      ) : (
        <path d="M2.5 4h11M2.5 8h11M2.5 12h11" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
      )}
    </svg>
  );
}

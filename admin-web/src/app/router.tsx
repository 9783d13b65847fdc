import { createBrowserRouter, type RouteObject } from 'react-router';
import { AppLayout } from '@/components/layouts/app-layout';
import { paths } from '@/config/paths';
import { AccountRoute } from './routes/account/account';
import { ActivityRoute } from './routes/activity/activity';
import { AdminsRoute } from './routes/admins/admins';
import { DocsRoute } from './routes/docs/docs';
import { GroupRoute } from './routes/groups/group';
import { NotFoundRoute } from './routes/not-found';
import { OverviewRoute } from './routes/overview/overview';
import { PermissionRoute } from './routes/permissions/permission';
import { PermissionsRoute } from './routes/permissions/permissions';
import { RequireAuth } from './routes/require-auth';
import { RoleRoute } from './routes/roles/role';
import { ServiceActionsRoute } from './routes/service-actions/service-actions';
import { ServiceAppRoute } from './routes/service-apps/service-app';
import { ServiceAppsRoute } from './routes/service-apps/service-apps';
import { SignInRoute } from './routes/sign-in';
import { HealthRoute } from './routes/system/health';
import { SettingsRoute } from './routes/system/settings';
import { UserRoute } from './routes/users/user';
import { UsersRoute } from './routes/users/users';
import { WorkspaceRoute } from './routes/workspaces/workspace';
import { WorkspacesRoute } from './routes/workspaces/workspaces';

// The route table. Client-side paths never start with /admin (the API's
// prefix on this origin); the static host serves index.html for the rest.
export const routes: RouteObject[] = [
  { path: paths.signIn.path, element: <SignInRoute /> },
  { path: paths.docs.path, element: <DocsRoute /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { path: paths.home.path, element: <OverviewRoute /> },
          { path: paths.serviceApps.path, element: <ServiceAppsRoute /> },
          { path: paths.serviceApp.path, element: <ServiceAppRoute /> },
          { path: paths.workspaces.path, element: <WorkspacesRoute /> },
          { path: paths.workspace.path, element: <WorkspaceRoute /> },
          { path: paths.role.path, element: <RoleRoute /> },
          { path: paths.group.path, element: <GroupRoute /> },
          { path: paths.serviceActions.path, element: <ServiceActionsRoute /> },
          { path: paths.permissions.path, element: <PermissionsRoute /> },
          { path: paths.permission.path, element: <PermissionRoute /> },
          { path: paths.users.path, element: <UsersRoute /> },
          { path: paths.user.path, element: <UserRoute /> },
          { path: paths.activity.path, element: <ActivityRoute /> },
          { path: paths.admins.path, element: <AdminsRoute /> },
          { path: paths.health.path, element: <HealthRoute /> },
          { path: paths.settings.path, element: <SettingsRoute /> },
          { path: paths.account.path, element: <AccountRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}

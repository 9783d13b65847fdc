package routes

// directoryRoutes: users, workspaces, memberships, groups (issue: directory).
var directoryRoutes []Route

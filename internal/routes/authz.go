package routes

// authzRoutes: authz mode (issue: authz mode).
var authzRoutes []Route

package routes

// rbacRoutes: roles and service actions (issue: RBAC).
var rbacRoutes []Route

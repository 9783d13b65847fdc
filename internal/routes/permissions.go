package routes

// permissionRoutes: resource ACLs (issue: permissions).
var permissionRoutes []Route

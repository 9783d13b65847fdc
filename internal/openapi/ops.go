package openapi

import (
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"sentinel/internal/activity"
	"sentinel/internal/adminauth"
	"sentinel/internal/authz"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/permissions"
	"sentinel/internal/rbac"
	"sentinel/internal/serviceapps"
	"sentinel/internal/stats"
	"sentinel/internal/system"
	"sentinel/internal/token"
)

// op describes one route beyond what the route table says: its summary,
// the Go types of its request and response bodies (zero values; the
// handlers' own types), its success status, query parameters and the
// error statuses its handler answers beyond those of its tier, body and
// path (see operation).
type op struct {
	summary      string
	req          any
	optionalBody bool
	status       int
	// resp is a zero value of the response type, or an *openapi3.Schema
	// for the few answers that are maps in the handlers.
	resp  any
	query []string
	errs  []int
	// idempotent routes take an Idempotency-Key header (internal/idempotency).
	idempotent bool
}

func (o op) response() (*openapi3.SchemaRef, error) {
	if s, ok := o.resp.(*openapi3.Schema); ok {
		return openapi3.NewSchemaRef("", s), nil
	}
	return answerSchemaOf(o.resp)
}

// object is a closed object schema with required string-or-given fields.
func object(props map[string]*openapi3.Schema) *openapi3.Schema {
	s := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{},
		AdditionalProperties: openapi3.AdditionalProperties{Has: ptr(false)}}
	for name, p := range props {
		s.Properties[name] = openapi3.NewSchemaRef("", p)
		s.Required = append(s.Required, name)
	}
	slices.Sort(s.Required)
	return s
}

var (
	statusOK = object(map[string]*openapi3.Schema{"status": openapi3.NewStringSchema()})
	orNull   = func(s *openapi3.Schema) *openapi3.Schema {
		s.Type = &openapi3.Types{s.Type.Slice()[0], "null"}
		return s
	}
	listQuery = []string{"q", "limit", "cursor"}
	pageQuery = []string{"limit", "cursor"}
)

// ops describes every route, by route key; a test checks it covers
// exactly the route table.
var ops = map[string]op{
	"GET /health":                {summary: "Liveness", status: 200, resp: statusOK},
	"GET /.well-known/jwks.json": {summary: "The public keys that verify user tokens", status: 200, resp: token.JWKS{}},
	"GET /openapi.json":          {summary: "This OpenAPI document", status: 200, resp: openapi3.NewObjectSchema()},
	"GET /service/whoami": {summary: "The calling service app", status: 200, resp: object(map[string]*openapi3.Schema{
		"service_name": openapi3.NewStringSchema(), "name": openapi3.NewStringSchema(), "key_prefix": openapi3.NewStringSchema(),
		"key_expires_at": orNull(openapi3.NewDateTimeSchema()),
	})},

	"POST /admin/auth/login":  {summary: "Sign in an admin (sets the admin_token cookie)", req: adminauth.LoginInput{}, status: 200, resp: adminauth.Me{}},
	"POST /admin/auth/logout": {summary: "Sign out", status: 200, resp: statusOK},
	"GET /admin/auth/me":      {summary: "The signed-in admin", status: 200, resp: adminauth.Me{}},
	"POST /admin/auth/change-password": {summary: "Change the signed-in admin's password (required after a temporary one; renews the cookie)",
		req: adminauth.ChangePasswordInput{}, status: 200, resp: adminauth.Me{}, errs: []int{429}},
	"POST /admin/auth/totp/verify": {summary: "The TOTP step of a sign-in: a code or a recovery code, each accepted once (renews the cookie)",
		req: adminauth.CodeInput{}, status: 200, resp: adminauth.Me{}, errs: []int{429}},
	"POST /admin/auth/totp/enrol": {summary: "Start a TOTP enrolment: a new secret and its otpauth URI, shown in this answer only",
		status: 200, resp: adminauth.Enrolment{}, errs: []int{409}},
	"POST /admin/auth/totp/confirm": {summary: "Confirm the TOTP enrolment with a code: the recovery codes, shown in this answer only (renews the cookie)",
		req: adminauth.CodeInput{}, status: 200, resp: adminauth.Confirmed{}, errs: []int{409, 429}},
	"POST /admin/auth/totp/disable": {summary: "Turn the signed-in admin's TOTP off, proven by a code or a recovery code (409 while the stage requires TOTP)",
		req: adminauth.CodeInput{}, status: 200, resp: adminauth.Admin{}, errs: []int{409, 429}},
	"POST /admin/auth/totp/recovery-codes": {summary: "New recovery codes for the signed-in admin, proven by a code or a recovery code: shown in this answer only, the old ones stop working",
		req: adminauth.CodeInput{}, status: 200, resp: adminauth.RecoveryCodes{}, errs: []int{409, 429}},

	"GET /admin/admins":                     {summary: "List admins", status: 200, resp: dynamo.Page[adminauth.Admin]{}, query: listQuery},
	"POST /admin/admins":                    {summary: "Add an admin (its temporary password is shown once)", req: adminauth.CreateInput{}, status: 201, resp: adminauth.Created{}, errs: []int{409}},
	"POST /admin/admins/{email}/deactivate": {summary: "Deactivate an admin (never the last active one; ends its sessions)", status: 200, resp: adminauth.Admin{}, errs: []int{409}},
	"POST /admin/admins/{email}/reactivate": {summary: "Reactivate an admin", status: 200, resp: adminauth.Admin{}},
	"POST /admin/admins/{email}/reset-totp": {summary: "Reset another admin's TOTP (ends its sessions; it enrols again when the stage requires TOTP)", status: 200, resp: adminauth.Admin{}, errs: []int{409}},

	"GET /admin/service-apps":                           {summary: "List service apps (q searches them)", status: 200, resp: []serviceapps.App{}, query: []string{"q"}},
	"POST /admin/service-apps":                          {summary: "Create a service app (its key is shown once)", req: serviceapps.CreateInput{}, status: 201, resp: serviceapps.Created{}, errs: []int{409}, idempotent: true},
	"GET /admin/service-apps/{id}":                      {summary: "Get a service app", status: 200, resp: serviceapps.App{}},
	"PATCH /admin/service-apps/{id}":                    {summary: "Update a service app", req: serviceapps.Patch{}, status: 200, resp: serviceapps.App{}, errs: []int{409}},
	"POST /admin/service-apps/{id}/rotate-key":          {summary: "Rotate a service app's key", req: serviceapps.RotateInput{}, optionalBody: true, status: 200, resp: serviceapps.Rotated{}, errs: []int{409}},
	"POST /admin/service-apps/{id}/revoke-previous-key": {summary: "End the previous key's grace period", status: 200, resp: serviceapps.App{}, errs: []int{409}},
	"DELETE /admin/service-apps/{id}":                   {summary: "Delete a service app and what it registered", status: 204, errs: []int{409}},

	"GET /admin/stats":          {summary: "Counts for the dashboard", status: 200, resp: stats.Stats{}},
	"GET /admin/activity":       {summary: "The activity log", status: 200, resp: activity.Page{}, query: []string{"action", "target_type", "target_id", "actor", "from", "to", "limit", "cursor"}},
	"GET /admin/health":         {summary: "Each dependency's state and the signing keys in use (200 even when one fails)", status: 200, resp: system.Health{}},
	"GET /admin/settings":       {summary: "The deployment's settings (no secret)", status: 200, resp: system.Settings{}},
	"GET /admin/stats/activity": {summary: "Activity log entries per UTC day", status: 200, resp: activity.Daily{}, query: []string{"days"}},

	"GET /admin/workspaces":                           {summary: "List workspaces", status: 200, resp: directory.Page[directory.Workspace]{}, query: listQuery},
	"POST /admin/workspaces":                          {summary: "Create a workspace", req: directory.NewWorkspace{}, status: 201, resp: directory.Workspace{}, errs: []int{409}},
	"GET /admin/workspaces/{id}":                      {summary: "Get a workspace", status: 200, resp: directory.Workspace{}},
	"PATCH /admin/workspaces/{id}":                    {summary: "Update a workspace", req: directory.WorkspacePatch{}, status: 200, resp: directory.Workspace{}, errs: []int{409}},
	"DELETE /admin/workspaces/{id}":                   {summary: "Delete a workspace and what is held about it", status: 204, errs: []int{409}},
	"GET /admin/workspaces/{id}/members":              {summary: "List a workspace's members", status: 200, resp: directory.Page[directory.Member]{}, query: listQuery},
	"POST /admin/workspaces/{id}/members":             {summary: "Add a member by email", req: directory.AddMemberInput{}, status: 201, resp: directory.Member{}, errs: []int{409}},
	"PATCH /admin/workspaces/{id}/members/{user_id}":  {summary: "Change a member's role", req: directory.MemberPatch{}, status: 200, resp: directory.Member{}, errs: []int{409}},
	"DELETE /admin/workspaces/{id}/members/{user_id}": {summary: "Remove a member", status: 204, errs: []int{409}},
	"GET /admin/workspaces/{id}/groups":               {summary: "List a workspace's groups", status: 200, resp: directory.Page[directory.AdminGroup]{}, query: listQuery},
	"POST /admin/workspaces/{id}/groups":              {summary: "Create a group", req: directory.NewGroup{}, status: 201, resp: directory.AdminGroup{}, errs: []int{409}},
	"GET /admin/groups/{gid}":                         {summary: "A group with its member count", status: 200, resp: directory.AdminGroup{}},
	"PATCH /admin/groups/{gid}":                       {summary: "Update a group", req: directory.GroupPatch{}, status: 200, resp: directory.AdminGroup{}, errs: []int{409}},
	"DELETE /admin/groups/{gid}":                      {summary: "Delete a group", status: 204, errs: []int{409}},
	"GET /admin/groups/{gid}/members":                 {summary: "List a group's members", status: 200, resp: directory.Page[directory.GroupMember]{}, query: listQuery},
	"POST /admin/groups/{gid}/members/{user_id}":      {summary: "Add a workspace member to a group", status: 201, resp: directory.GroupMember{}, errs: []int{400, 409}},
	"DELETE /admin/groups/{gid}/members/{user_id}":    {summary: "Remove a group member", status: 204, errs: []int{409}},
	"GET /admin/users":                                {summary: "List users", status: 200, resp: directory.Page[directory.User]{}, query: listQuery},
	"POST /admin/users":                               {summary: "Create a user", req: directory.CreateUserInput{}, status: 201, resp: directory.User{}, errs: []int{409}},
	"GET /admin/users/{id}":                           {summary: "A user with their memberships", status: 200, resp: directory.UserDetail{}},
	"PATCH /admin/users/{id}":                         {summary: "Update a user", req: directory.UserPatch{}, status: 200, resp: directory.User{}, errs: []int{409}},
	"GET /workspaces/{id}/members":                    {summary: "A workspace's members (next page in X-Next-Cursor)", status: 200, resp: []directory.Member{}, query: listQuery},
	"GET /workspaces/{id}/groups":                     {summary: "A workspace's groups (next page in X-Next-Cursor)", status: 200, resp: []directory.Group{}, query: listQuery},
	"GET /workspaces/{id}/groups/{gid}/members":       {summary: "A group's members (next page in X-Next-Cursor)", status: 200, resp: []directory.GroupMember{}, query: listQuery},

	"POST /permissions/register":                                        {summary: "Register a resource and its owner", req: permissions.RegisterInput{}, status: 201, resp: permissions.ResourcePermission{}, errs: []int{409}},
	"POST /permissions/check":                                           {summary: "Check permissions in bulk", req: permissions.CheckInput{}, status: 200, resp: permissions.CheckOutput{}},
	"POST /permissions/accessible":                                      {summary: "The resources a user can access", req: permissions.AccessibleInput{}, status: 200, resp: permissions.AccessiblePage{}},
	"POST /permissions/{id}/share":                                      {summary: "Share a resource", req: permissions.ShareInput{}, status: 201, resp: statusOK, errs: []int{409}},
	"DELETE /permissions/{id}/share":                                    {summary: "Revoke a share", req: permissions.ShareInput{}, status: 200, resp: statusOK, errs: []int{409}},
	"PATCH /permissions/{id}/visibility":                                {summary: "Change a resource's visibility", req: permissions.VisibilityInput{}, status: 200, resp: permissions.ResourcePermission{}, errs: []int{409}},
	"GET /permissions/resource/{service}/{type}/{resource_id}":          {summary: "A resource's permissions", status: 200, resp: permissions.ResourcePermission{}},
	"GET /permissions/resource/{service}/{type}/{resource_id}/enriched": {summary: "A resource's permissions with names", status: 200, resp: permissions.Enriched{}},
	"DELETE /permissions/resource/{service}/{type}/{resource_id}":       {summary: "Deregister a resource", status: 204, errs: []int{409}},
	"GET /admin/permissions":                                            {summary: "List registered resources, their owners named", status: 200, resp: permissions.Page{}, query: []string{"workspace_id", "service_name", "resource_type", "limit", "cursor"}},
	"GET /admin/permissions/{id}":                                       {summary: "A resource's permissions with names", status: 200, resp: permissions.Enriched{}},
	"PATCH /admin/permissions/{id}/visibility":                          {summary: "Change a resource's visibility", req: permissions.VisibilityInput{}, status: 200, resp: permissions.ResourcePermission{}, errs: []int{409}},
	"POST /admin/permissions/{id}/share":                                {summary: "Share a resource", req: permissions.ShareInput{}, status: 201, resp: statusOK, errs: []int{409}},
	"DELETE /admin/permissions/{id}/share":                              {summary: "Revoke a share", req: permissions.ShareInput{}, status: 200, resp: statusOK, errs: []int{409}},
	"DELETE /admin/permissions/service/{service_name}": {summary: "Delete every permission of a service", status: 200, resp: object(map[string]*openapi3.Schema{
		"status": openapi3.NewStringSchema(), "deleted_count": openapi3.NewIntegerSchema(),
	})},

	"POST /roles/actions/register": {summary: "Register a service's actions", req: rbac.RegisterInput{}, status: 201, resp: []rbac.ServiceAction{}, errs: []int{409}},
	"POST /roles/check-action":     {summary: "May the user do an action in a workspace", req: rbac.CheckInput{}, status: 200, resp: rbac.Decision{}},
	"GET /roles/user-actions": {summary: "The user's actions in a workspace", status: 200, query: []string{"workspace_id", "service_name", "user_id"}, resp: object(map[string]*openapi3.Schema{
		"actions": openapi3.NewArraySchema().WithItems(openapi3.NewStringSchema()),
	})},
	"POST /roles/check":                             {summary: "May a named user do an action (key only)", req: rbac.CheckInput{}, status: 200, resp: rbac.Decision{}},
	"GET /admin/workspaces/{id}/roles":              {summary: "List a workspace's roles", status: 200, resp: rbac.Page[rbac.Role]{}, query: pageQuery},
	"POST /admin/workspaces/{id}/roles":             {summary: "Create a role", req: rbac.RoleInput{}, status: 201, resp: rbac.Role{}, errs: []int{409}},
	"PATCH /admin/roles/{rid}":                      {summary: "Update a role", req: rbac.RolePatch{}, status: 200, resp: rbac.Role{}, errs: []int{409}},
	"DELETE /admin/roles/{rid}":                     {summary: "Delete a role", status: 204, errs: []int{409}},
	"GET /admin/roles/{rid}/actions":                {summary: "A role's actions", status: 200, resp: rbac.Page[rbac.ServiceAction]{}, query: pageQuery},
	"POST /admin/roles/{rid}/actions":               {summary: "Add actions to a role", req: rbac.AddActionsInput{}, status: 201, resp: statusOK, errs: []int{409}},
	"DELETE /admin/roles/{rid}/actions/{action_id}": {summary: "Remove an action from a role", status: 204, errs: []int{409}},
	"GET /admin/roles/{rid}/members":                {summary: "A role's members", status: 200, resp: rbac.Page[rbac.Member]{}, query: pageQuery},
	"POST /admin/roles/{rid}/members/{user_id}":     {summary: "Assign a role to a workspace member", status: 201, resp: statusOK, errs: []int{400, 409}},
	"DELETE /admin/roles/{rid}/members/{user_id}":   {summary: "Unassign a role", status: 204, errs: []int{409}},
	"GET /admin/service-actions":                    {summary: "List registered service actions", status: 200, resp: rbac.Page[rbac.ServiceAction]{}, query: []string{"service_name", "limit", "cursor"}},
	"DELETE /admin/service-actions/{id}":            {summary: "Delete a service action", status: 204, errs: []int{409}},

	"POST /authz/resolve":    {summary: "Resolve an IdP token: the user's workspaces, or an authz token for one", req: authz.Request{}, status: 200, resp: authzAnswer, errs: []int{409}},
	"OPTIONS /authz/resolve": {summary: "CORS preflight for an allowed origin", status: 204},
}

// authzAnswer is one of the two answers of POST /authz/resolve.
var authzAnswer = func() *openapi3.Schema {
	var refs openapi3.SchemaRefs
	for _, v := range []any{authz.Workspaces{}, authz.Grant{}} {
		s, err := answerSchemaOf(v)
		if err != nil {
			panic(err)
		}
		refs = append(refs, s)
	}
	return &openapi3.Schema{OneOf: refs}
}()

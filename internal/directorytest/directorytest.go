// Package directorytest is the one hand-written directory the store-level
// tests of the areas that read it (RBAC's and permissions' transaction
// conflict tests) share: workspaces, users, memberships and groups in
// memory, behind directory.Reader and WorkspaceExists, so those stores are
// tested without the Directory table. The areas' HTTP tests use the real
// directory, filled through the admin API (apitest's fixtures).
package directorytest

import (
	"context"
	"strings"
	"sync"

	"github.com/google/uuid"

	"sentinel/internal/directory"
	"sentinel/internal/dynamo/ddb"
)

// Fake is an in-memory directory, safe for concurrent use.
type Fake struct {
	mu         sync.Mutex
	workspaces map[string]bool
	members    map[[2]string]bool // {workspace, user}
	groups     map[string]string  // group → workspace
	users      map[string]directory.User
}

var (
	_ directory.Reader = (*Fake)(nil)
	_ directory.Guard  = (*Fake)(nil)
)

// New returns an empty directory.
func New() *Fake {
	return &Fake{workspaces: map[string]bool{}, members: map[[2]string]bool{}, groups: map[string]string{}, users: map[string]directory.User{}}
}

// AddWorkspace creates a workspace and returns its id.
func (f *Fake) AddWorkspace() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := uuid.NewString()
	f.workspaces[id] = true
	return id
}

// AddMember creates an active user named name (email: name in lower case
// @example.com), makes them a member of workspace wid and returns their id.
func (f *Fake) AddMember(wid, name string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := uuid.NewString()
	f.users[id] = directory.User{ID: id, Name: name, Email: strings.ToLower(name) + "@example.com", IsActive: true}
	f.members[[2]string{wid, id}] = true
	return id
}

// Join makes an existing user a member of workspace wid too.
func (f *Fake) Join(wid, uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[[2]string{wid, uid}] = true
}

// Leave ends a membership without any purge: what other areas hold about
// it stays stale.
func (f *Fake) Leave(wid, uid string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.members, [2]string{wid, uid})
}

// AddGroup creates a group in workspace wid and returns its id.
func (f *Fake) AddGroup(wid string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := uuid.NewString()
	f.groups[id] = wid
	return id
}

// Membership answers a user's membership (role viewer) in a workspace.
func (f *Fake) Membership(_ context.Context, wid, uid string) (directory.Membership, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.members[[2]string{wid, uid}] {
		return directory.Membership{}, false, nil
	}
	return directory.Membership{WorkspaceID: wid, UserID: uid, Role: "viewer"}, true, nil
}

// GroupInWorkspace reports whether the group exists in the workspace.
func (f *Fake) GroupInWorkspace(_ context.Context, wid, gid string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ws, ok := f.groups[gid]
	return ok && ws == wid, nil
}

// Users returns the users among ids that exist, by id.
func (f *Fake) Users(_ context.Context, ids []string) (map[string]directory.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]directory.User{}
	for _, id := range ids {
		if u, ok := f.users[id]; ok {
			out[id] = u
		}
	}
	return out, nil
}

// MemberGuard and GroupGuard check nothing: the fake answers reads only
// (grants against the real directory are tested in internal/permissions).
func (f *Fake) MemberGuard(string, string) []ddb.TransactWriteItem { return nil }

// GroupGuard checks nothing (see MemberGuard).
func (f *Fake) GroupGuard(string, string) []ddb.TransactWriteItem { return nil }

// WorkspaceExists reports whether AddWorkspace created the workspace.
func (f *Fake) WorkspaceExists(_ context.Context, id string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.workspaces[id], nil
}

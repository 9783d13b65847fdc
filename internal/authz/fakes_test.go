package authz_test

import (
	"context"
	"strings"
	"sync"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/authz"
	"sentinel/internal/directory"
	"sentinel/internal/identity"
)

// fakeDirectory is an in-memory directory with the contract's semantics:
// unique emails and identities, conflicts as apperr.Conflict.
type fakeDirectory struct {
	mu         sync.Mutex
	users      map[string]directory.User       // by id
	byEmail    map[string]string               // email → user id
	identities map[string]string               // provider|subject → user id
	workspaces map[string]authz.Workspace      // by id (Role unused)
	members    map[string]directory.Membership // workspace|user
	// raceCreates makes the next CreateUser calls lose a race: a
	// concurrent request creates the same user first, and the call
	// answers Conflict.
	raceCreates int
	// failSetName, when set, is what SetName answers.
	failSetName error
	calls       []string
	// writes are the changes made, each with the actor on its context
	// ("<call> by <actor>"), as the real directory records them.
	writes []string
}

var _ authz.Directory = (*fakeDirectory)(nil)

func newFakeDirectory() *fakeDirectory {
	return &fakeDirectory{
		users: map[string]directory.User{}, byEmail: map[string]string{}, identities: map[string]string{},
		workspaces: map[string]authz.Workspace{}, members: map[string]directory.Membership{},
	}
}

func (f *fakeDirectory) record(call string) { f.calls = append(f.calls, call) }

// write records a call that changes the directory, and its actor.
func (f *fakeDirectory) write(ctx context.Context, call string) {
	f.record(call)
	f.writes = append(f.writes, strings.Fields(call)[0]+" by "+identity.ActorFrom(ctx))
}

func (f *fakeDirectory) UserByIdentity(_ context.Context, provider, subject string) (directory.User, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UserByIdentity")
	id, ok := f.identities[provider+"|"+subject]
	return f.users[id], ok, nil
}

func (f *fakeDirectory) UserByEmail(_ context.Context, email string) (directory.User, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.record("UserByEmail " + email)
	id, ok := f.byEmail[email]
	return f.users[id], ok, nil
}

func (f *fakeDirectory) LinkIdentity(ctx context.Context, userID, provider, subject string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write(ctx, "LinkIdentity")
	return f.link(userID, provider, subject)
}

func (f *fakeDirectory) link(userID, provider, subject string) error {
	key := provider + "|" + subject
	if owner, ok := f.identities[key]; ok && owner != userID {
		return apperr.New(apperr.Conflict, "identity linked to another user")
	}
	f.identities[key] = userID
	return nil
}

func (f *fakeDirectory) CreateUser(ctx context.Context, email, name, provider, subject string) (directory.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write(ctx, "CreateUser "+email+" "+name)
	if f.raceCreates > 0 {
		f.raceCreates--
		f.add(email, name, provider, subject)
		return directory.User{}, apperr.New(apperr.Conflict, "email taken")
	}
	if _, taken := f.byEmail[email]; taken {
		return directory.User{}, apperr.New(apperr.Conflict, "email taken")
	}
	if _, taken := f.identities[provider+"|"+subject]; taken {
		return directory.User{}, apperr.New(apperr.Conflict, "identity taken")
	}
	return f.add(email, name, provider, subject), nil
}

func (f *fakeDirectory) SetName(ctx context.Context, userID, name string) (directory.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.write(ctx, "SetName "+name)
	if f.failSetName != nil {
		return directory.User{}, f.failSetName
	}
	u, ok := f.users[userID]
	if !ok {
		return directory.User{}, apperr.New(apperr.NotFound, "User not found")
	}
	u.Name = name
	f.users[userID] = u
	return u, nil
}

// add creates a user, linked to the identity when provider is set.
func (f *fakeDirectory) add(email, name, provider, subject string) directory.User {
	u := directory.User{ID: uuid.NewString(), Email: email, Name: name, IsActive: true, CreatedAt: "2030-01-15T12:00:00Z"}
	f.users[u.ID] = u
	f.byEmail[email] = u.ID
	if provider != "" {
		f.identities[provider+"|"+subject] = u.ID
	}
	return u
}

func (f *fakeDirectory) UserWorkspaces(_ context.Context, userID string) ([]authz.Workspace, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []authz.Workspace
	for _, w := range f.workspaces {
		if m, ok := f.members[w.ID+"|"+userID]; ok {
			w.Role = m.Role
			out = append(out, w)
		}
	}
	return out, nil
}

func (f *fakeDirectory) Membership(_ context.Context, workspaceID, userID string) (directory.Membership, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.members[workspaceID+"|"+userID]
	return m, ok, nil
}

func (f *fakeDirectory) WorkspaceSlug(_ context.Context, workspaceID string) (string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w, ok := f.workspaces[workspaceID]
	return w.Slug, ok, nil
}

// addUser creates a user the way an admin does: no IdP identity yet.
func (f *fakeDirectory) addUser(email, name string) directory.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(email, name, "", "")
}

func (f *fakeDirectory) setActive(userID string, active bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[userID]
	u.IsActive = active
	f.users[userID] = u
}

func (f *fakeDirectory) addWorkspace(name, slug string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := uuid.NewString()
	f.workspaces[id] = authz.Workspace{ID: id, Name: name, Slug: slug}
	return id
}

func (f *fakeDirectory) addMember(workspaceID, userID, role string, groups ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[workspaceID+"|"+userID] = directory.Membership{WorkspaceID: workspaceID, UserID: userID, Role: role, Groups: groups}
}

func (f *fakeDirectory) userByEmail(email string) (directory.User, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.byEmail[email]
	return f.users[id], ok
}

func (f *fakeDirectory) linkedTo(provider, subject string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.identities[provider+"|"+subject]
}

// fakeRBAC holds actions per service, workspace and user.
type fakeRBAC struct {
	mu      sync.Mutex
	actions map[string][]string
}

var _ authz.RBAC = (*fakeRBAC)(nil)

func (f *fakeRBAC) grant(service, workspaceID, userID string, actions ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.actions == nil {
		f.actions = map[string][]string{}
	}
	f.actions[service+"|"+workspaceID+"|"+userID] = actions
}

func (f *fakeRBAC) UserActions(_ context.Context, service, workspaceID, userID string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.actions[service+"|"+workspaceID+"|"+userID], nil
}

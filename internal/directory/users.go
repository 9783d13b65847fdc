package directory

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
)

// entry is the activity entry recording an admin's change, for the change's
// own transaction.
func (s *Store) entry(ctx context.Context, action, targetType, targetID string, detail map[string]any) ddb.TransactWriteItem {
	return s.log.Put(activity.Entry{Actor: identity.ActorFrom(ctx), Action: action, TargetType: targetType, TargetID: targetID, Detail: detail})
}

// NewUser is a user to create: by an admin (email and name), by adding an
// unknown email as a member (email only: pre-provisioning), or by authz
// mode's just-in-time provisioning (with the IdP identity to link).
type NewUser struct {
	Email     string `json:"email"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
	// Provider and Subject, when set, link an IdP identity (see LinkIdentity).
	Provider string `json:"-"`
	Subject  string `json:"-"`
	// NameRequired refuses an empty name (an admin creating a user).
	NameRequired bool `json:"-"`
}

func (in *NewUser) validate() error {
	in.Email = NormalizeEmail(in.Email)
	if err := ValidateEmail(in.Email); err != nil {
		return err
	}
	if in.NameRequired {
		if err := ValidateName(in.Name); err != nil {
			return err
		}
	}
	if err := maxLen("name", in.Name, MaxNameLen); err != nil {
		return err
	}
	if err := maxLen("avatar_url", in.AvatarURL, 2048); err != nil {
		return err
	}
	if in.Provider != "" || in.Subject != "" {
		return validateIdentity(in.Provider, in.Subject)
	}
	return nil
}

// validateIdentity checks an IdP identity. A provider holds no '#', so
// the claim key IDP#<provider>#<sub> names one identity only.
func validateIdentity(provider, sub string) error {
	if provider == "" || strings.Contains(provider, "#") || len(provider) > 100 {
		return apperr.Field("provider", "must be a provider name without '#'")
	}
	if sub == "" || len(sub) > 255 {
		return apperr.Field("sub", "must be 1 to 255 characters")
	}
	return nil
}

func emailTaken(email string) error {
	return apperr.New(apperr.Conflict, "email '%s' is already taken", email)
}

var errIdentityTaken = apperr.New(apperr.Conflict, "The identity is already linked to another user")

// newUser returns a new user and the transaction that creates it: the
// profile, the email claim (failing with onEmailTaken), the identity claim
// when one is linked, and the activity entry. Callers add to it.
func (s *Store) newUser(ctx context.Context, in NewUser, onEmailTaken error) (userItem, *dynamo.Tx) {
	at := dynamo.FormatTime(s.now())
	id := uuid.NewString()
	u := userItem{
		PK: userPK(id), SK: skUser, Kind: kindUser, CreatedSK: at + "#" + id, ID: id, Email: in.Email,
		Name: in.Name, AvatarURL: in.AvatarURL, IsActive: true,
		CreatedAt: at, UpdatedAt: at, Version: 1, searchKeys: searchKeysOf(usersList, in.Name, in.Email),
	}
	t := dynamo.NewTx()
	t.AddOr(s.claim(emailPK(u.Email), skClaim, id), onEmailTaken)
	if in.Provider != "" {
		u.Identities = []string{in.Provider + "#" + in.Subject}
		t.AddOr(s.claim(identityPK(in.Provider, in.Subject), skClaim, id), errIdentityTaken)
	}
	t.Add(s.entry(ctx, "user.create", "user", id, map[string]any{"email": u.Email, "name": u.Name}))
	return u, t
}

// putUser is the Put that creates u (after its claims, so a taken email
// is what a failed transaction reports).
func (s *Store) putUser(u userItem) ddb.TransactWriteItem {
	return s.repo.Put(u, "attribute_not_exists(pk)", nil)
}

// CreateUser creates a user (409 when the email or identity is taken).
func (s *Store) CreateUser(ctx context.Context, in NewUser) (User, error) {
	if err := in.validate(); err != nil {
		return User{}, err
	}
	u, t := s.newUser(ctx, in, emailTaken(in.Email))
	t.Add(s.putUser(u))
	if err := s.write(ctx, t, "create user"); err != nil {
		return User{}, err
	}
	return u.user(), nil
}

func (s *Store) loadUser(ctx context.Context, id string) (userItem, error) {
	var u userItem
	if !validID(id) {
		return u, errNoUser
	}
	u, found, err := dynamo.Get[userItem](ctx, s.repo, dynamo.Key(userPK(id), skUser))
	if err == nil && !found {
		err = errNoUser
	}
	return u, err
}

// GetUser returns one user.
func (s *Store) GetUser(ctx context.Context, id string) (User, error) {
	u, err := s.loadUser(ctx, id)
	return u.user(), err
}

// userByClaim follows a claim to its user (found false when unclaimed).
func (s *Store) userByClaim(ctx context.Context, pk string) (User, bool, error) {
	id, found, err := s.claimedBy(ctx, pk)
	if err != nil || !found {
		return User{}, false, err
	}
	u, err := s.loadUser(ctx, id)
	if err != nil {
		return User{}, false, fmt.Errorf("user of claim %s: %w", pk, err)
	}
	return u.user(), true, nil
}

// FindByEmail returns the user with an email (found false if none): two
// GetItems, the claim and the user.
func (s *Store) FindByEmail(ctx context.Context, email string) (User, bool, error) {
	return s.userByClaim(ctx, emailPK(NormalizeEmail(email)))
}

// FindByIdentity returns the user an IdP identity is linked to (found
// false if none): two GetItems.
func (s *Store) FindByIdentity(ctx context.Context, provider, sub string) (User, bool, error) {
	if validateIdentity(provider, sub) != nil {
		return User{}, false, nil
	}
	return s.userByClaim(ctx, identityPK(provider, sub))
}

// LinkIdentity links an IdP identity to a user: 409 when it is linked to
// another user, 404 for an unknown user; linking it again is a no-op.
func (s *Store) LinkIdentity(ctx context.Context, userID, provider, sub string) error {
	if err := validateIdentity(provider, sub); err != nil {
		return err
	}
	if !validID(userID) {
		return errNoUser
	}
	t := dynamo.NewTx()
	t.AddOr(s.repo.Put(claimItem{PK: identityPK(provider, sub), SK: skClaim, ID: userID}, "attribute_not_exists(pk) OR id = :id",
		dynamo.Item{":id": dynamo.S(userID)}), errIdentityTaken)
	t.AddOr(s.repo.Update(dynamoKey{userPK(userID), skUser}.av(), "ADD #identities :i", "attribute_exists(pk)",
		dynamo.Item{":i": dynamo.SS(provider + "#" + sub)}), errNoUser)
	t.Add(s.entry(ctx, "user.link_identity", "user", userID, map[string]any{"provider": provider}))
	return s.write(ctx, t, "link identity")
}

// ListUsers returns a page of users, oldest first: one Query of the
// by-kind index; with q, a search by id, email or name (see searchKeys).
func (s *Store) ListUsers(ctx context.Context, l List) (Page[User], error) {
	return listKind(ctx, s, kindUser, skUser, l, s.userFinder(), userItem.user)
}

// listKind is one page of the by-kind index for one kind of record, or
// with q a search of the kind's list (f).
func listKind[I, T any](ctx context.Context, s *Store, kind, sk string, l List, f finder, view func(I) T) (Page[T], error) {
	if err := l.validate(); err != nil {
		return Page[T]{}, err
	}
	if searchTerm(l.Q) != "" {
		return searchPage(ctx, s, f, l, view)
	}
	in := &ddb.QueryInput{
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: dynamo.Item{":k": dynamo.S(kind)},
		Limit:                     aws.Int32(int32(l.Limit)),
	}
	return listPage(ctx, s, in, l.Cursor, dynamo.Scope{Exact: map[string]string{"kind": kind, "sk": sk}, Prefix: map[string]string{"pk": "", "created_sk": ""}}, view)
}

// Users returns the users with the given ids that exist, by id: parallel
// BatchGetItem calls of up to 100 ids (contract: Reader).
func (s *Store) Users(ctx context.Context, ids []string) (map[string]User, error) {
	var keys []dynamoKey
	for _, id := range ids {
		if validID(id) {
			keys = append(keys, dynamoKey{userPK(id), skUser})
		}
	}
	items, err := s.batchGet(ctx, keys, false)
	if err != nil {
		return nil, err
	}
	users, err := decodeAll(items, userItem.user)
	if err != nil {
		return nil, err
	}
	out := make(map[string]User, len(users))
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}

// Active reports whether a user may act (authtier.Users): one GetItem of
// is_active. A user the directory does not know is not deactivated: the
// token's signature is what vouches for its subject, and only an explicit
// deactivation revokes it.
func (s *Store) Active(ctx context.Context, userID string) (bool, error) {
	st, found, err := dynamo.Get[struct {
		IsActive bool `dynamodbav:"is_active"`
	}](ctx, s.repo, dynamo.Key(userPK(userID), skUser))
	if err != nil {
		return false, fmt.Errorf("get status of user %s: %w", userID, err)
	}
	return !found || st.IsActive, nil
}

// UserPatch is a partial update of a user; nil fields are left alone.
type UserPatch struct {
	Name     *string `json:"name"`
	IsActive *bool   `json:"is_active"`
}

// UpdateUser renames, deactivates or reactivates a user. A rename rewrites
// every copy of the profile (memberships, group memberships) first, then
// the user on the condition that its version is unchanged: a copy made
// meanwhile changes the version, and the rename starts over.
func (s *Store) UpdateUser(ctx context.Context, id string, p UserPatch) (User, error) {
	if err := validatePatch(p.Name, nil); err != nil {
		return User{}, err
	}
	return dynamo.Reread(ctx, func() (User, error) {
		u, err := s.loadUser(ctx, id)
		if err != nil {
			return User{}, err
		}
		next, detail, action := u, map[string]any{}, "user.update"
		patch(detail, "name", p.Name, &next.Name)
		if p.IsActive != nil && *p.IsActive != u.IsActive {
			next.IsActive = *p.IsActive
			detail["is_active"] = next.IsActive
			action = map[bool]string{true: "user.activate", false: "user.deactivate"}[next.IsActive]
		}
		if len(detail) == 0 {
			return u.user(), nil
		}
		next.UpdatedAt = dynamo.FormatTime(s.now())
		var units [][]ddb.TransactWriteItem
		if next.Name != u.Name {
			copies, err := s.profileCopies(ctx, u)
			if err != nil {
				return User{}, err
			}
			for _, k := range copies {
				units = append(units, []ddb.TransactWriteItem{s.setProfile(k, next, "attribute_exists(pk)", "", nil)})
			}
		}
		values := dynamo.Item{
			":a": dynamo.Bool(next.IsActive), ":now": dynamo.S(next.UpdatedAt), ":v": dynamo.N(u.Version), ":v1": dynamo.N(u.Version + 1),
		}
		last := dynamo.NewTx()
		last.Add(s.setProfile(dynamoKey{u.PK, u.SK}, next, "#version = :v",
			"#is_active = :a, #updated_at = :now, #version = :v1", values))
		last.Add(s.entry(ctx, action, "user", id, detail))
		if err := s.writeInSteps(ctx, units, last, "update user "+id); err != nil {
			return User{}, err
		}
		return next.user(), nil
	})
}

// setProfile is the update that writes u's name and search keys to the
// item at k (the user, or a copy of its profile in a member list), and
// more (an expression's SET clauses with their values) when given.
func (s *Store) setProfile(k dynamoKey, u userItem, cond, more string, values map[string]ddb.AttributeValue) ddb.TransactWriteItem {
	list := usersList
	if k.pk != u.PK {
		list = memberList(k.pk)
	}
	keys := searchKeysOf(list, u.Name, u.Email)
	set := "SET #name = :n, #search_pk = :sp, #search_handle = :sh"
	values = merge(values, dynamo.Item{":n": dynamo.S(u.Name), ":sp": dynamo.S(keys.SearchPK), ":sh": dynamo.S(keys.SearchHandle)})
	if more != "" {
		set += ", " + more
	}
	if keys.SearchName != "" {
		set += ", #search_name = :sn"
		values[":sn"] = dynamo.S(keys.SearchName)
	} else {
		set += " REMOVE #search_name"
	}
	return s.repo.Update(k.av(), set, cond, values)
}

func merge(ms ...map[string]ddb.AttributeValue) map[string]ddb.AttributeValue {
	out := dynamo.Item{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// profileCopies returns the keys of every copy of u's profile: its
// memberships and, through their groups, its group memberships.
func (s *Store) profileCopies(ctx context.Context, u userItem) ([]dynamoKey, error) {
	ms, err := s.memberships(ctx, u)
	if err != nil {
		return nil, err
	}
	var keys []dynamoKey
	for _, m := range ms {
		keys = append(keys, memberKey(m.WorkspaceID, u.ID))
		for _, g := range m.Groups {
			keys = append(keys, groupMemberKey(g, u.ID))
		}
	}
	return keys, nil
}

// memberships reads u's memberships (one BatchGetItem per 100).
func (s *Store) memberships(ctx context.Context, u userItem) ([]memberItem, error) {
	var keys []dynamoKey
	for _, w := range u.WorkspaceIDs {
		keys = append(keys, memberKey(w, u.ID))
	}
	items, err := s.batchGet(ctx, keys, true)
	if err != nil {
		return nil, err
	}
	return decodeAll(items, func(m memberItem) memberItem { return m })
}

// UserMembership is one of a user's memberships in the admin user detail.
type UserMembership struct {
	WorkspaceID   string     `json:"workspace_id"`
	WorkspaceName string     `json:"workspace_name"`
	WorkspaceSlug string     `json:"workspace_slug"`
	Role          string     `json:"role"`
	JoinedAt      string     `json:"joined_at"`
	Groups        []GroupRef `json:"groups"`
	Roles         []RoleRef  `json:"roles"`
}

// GroupRef names a group.
type GroupRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserDetail is a user with its memberships, groups and roles.
type UserDetail struct {
	User
	Memberships []UserMembership `json:"memberships"`
}

// UserDetail returns a user with its memberships (by workspace name), each
// with its groups and roles: a GetItem, then BatchGetItems of the
// workspaces with the memberships, and of the groups' names.
func (s *Store) UserDetail(ctx context.Context, id string) (UserDetail, error) {
	u, err := s.loadUser(ctx, id)
	if err != nil {
		return UserDetail{}, err
	}
	out := UserDetail{User: u.user(), Memberships: []UserMembership{}}
	workspaces, members, err := s.workspacesOf(ctx, u)
	if err != nil {
		return UserDetail{}, err
	}
	var keys []dynamoKey
	for _, m := range members {
		for _, g := range m.Groups {
			keys = append(keys, dynamoKey{workspacePK(m.WorkspaceID), groupSK + g})
		}
	}
	items, err := s.batchGet(ctx, keys, true)
	if err != nil {
		return UserDetail{}, err
	}
	_, groups, err := decodeMixed[groupItem, groupItem](items, "", groupSK)
	if err != nil {
		return UserDetail{}, err
	}
	groupNames := map[string]string{}
	for _, g := range groups {
		groupNames[g.ID] = g.Name
	}
	var roles map[string][]RoleRef
	if s.roles != nil {
		ids := make([]string, 0, len(members))
		for _, m := range members {
			ids = append(ids, m.WorkspaceID)
		}
		if roles, err = s.roles.UserRoles(ctx, id, ids); err != nil {
			return UserDetail{}, fmt.Errorf("roles of user %s: %w", id, err)
		}
	}
	byID := map[string]workspaceItem{}
	for _, w := range workspaces {
		byID[w.ID] = w
	}
	for _, m := range members {
		w := byID[m.WorkspaceID]
		um := UserMembership{
			WorkspaceID: m.WorkspaceID, WorkspaceName: w.Name, WorkspaceSlug: w.Slug, Role: m.Role, JoinedAt: m.JoinedAt,
			Groups: []GroupRef{}, Roles: roles[m.WorkspaceID],
		}
		if um.Roles == nil {
			um.Roles = []RoleRef{}
		}
		for _, g := range slices.Sorted(slices.Values(m.Groups)) {
			um.Groups = append(um.Groups, GroupRef{ID: g, Name: groupNames[g]})
		}
		out.Memberships = append(out.Memberships, um)
	}
	slices.SortFunc(out.Memberships, func(a, b UserMembership) int {
		return cmp.Or(strings.Compare(a.WorkspaceName, b.WorkspaceName), strings.Compare(a.WorkspaceID, b.WorkspaceID))
	})
	return out, nil
}

// workspacesOf reads the workspaces of u and u's memberships in them
// (one BatchGetItem per 50 workspaces).
func (s *Store) workspacesOf(ctx context.Context, u userItem) ([]workspaceItem, []memberItem, error) {
	var keys []dynamoKey
	for _, w := range u.WorkspaceIDs {
		keys = append(keys, dynamoKey{workspacePK(w), skWorkspace}, memberKey(w, u.ID))
	}
	items, err := s.batchGet(ctx, keys, true)
	if err != nil {
		return nil, nil, err
	}
	return decodeMixed[workspaceItem, memberItem](items, skWorkspace, memberSK)
}

// WorkspaceRole is one of a user's workspaces with the user's role there.
type WorkspaceRole struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
	Role string `json:"role"`
}

// UserWorkspaces lists the workspaces a user belongs to, by name, with the
// user's role in each: a GetItem of the user, then the workspaces and
// memberships by key (for authz mode's workspace list).
func (s *Store) UserWorkspaces(ctx context.Context, userID string) ([]WorkspaceRole, error) {
	u, err := s.loadUser(ctx, userID)
	if err != nil {
		return nil, err
	}
	workspaces, members, err := s.workspacesOf(ctx, u)
	if err != nil {
		return nil, err
	}
	byID := map[string]workspaceItem{}
	for _, w := range workspaces {
		byID[w.ID] = w
	}
	out := []WorkspaceRole{}
	for _, m := range members {
		if w, ok := byID[m.WorkspaceID]; ok {
			out = append(out, WorkspaceRole{ID: w.ID, Name: w.Name, Slug: w.Slug, Role: m.Role})
		}
	}
	slices.SortFunc(out, func(a, b WorkspaceRole) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// decodeMixed splits items by sort key: exactly skA into A's, starting
// with prefixB into B's; others are skipped.
func decodeMixed[A, B any](items []map[string]ddb.AttributeValue, skA, prefixB string) ([]A, []B, error) {
	var as []A
	var bs []B
	for _, it := range items {
		sk, _ := it["sk"].(*ddb.AttributeValueMemberS)
		if sk == nil {
			continue
		}
		var err error
		switch {
		case skA != "" && sk.Value == skA:
			var a A
			err = ddb.UnmarshalMap(it, &a)
			as = append(as, a)
		case strings.HasPrefix(sk.Value, prefixB):
			var b B
			err = ddb.UnmarshalMap(it, &b)
			bs = append(bs, b)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("decode directory item %s: %w", sk.Value, err)
		}
	}
	return as, bs, nil
}

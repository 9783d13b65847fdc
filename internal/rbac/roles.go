package rbac

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"sentinel/internal/activity"
	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/identity"
)

// RoleInput is the body of POST /admin/workspaces/{id}/roles.
type RoleInput struct {
	Name        string  `json:"name"`
	Description *string `json:"description"`
}

// RolePatch is the body of PATCH /admin/roles/{rid}; nil fields are left alone.
type RolePatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func nameTaken(name string) error {
	return apperr.New(apperr.Conflict, "A role named '%s' already exists in this workspace", name)
}

var errRoleGone = apperr.New(apperr.NotFound, "Role not found")

// logRole records an admin change to role r in the activity log. Every
// entry names the role's workspace and the role (its name then, unless
// detail gives another: a rename's new name), so the activity log can name
// and link its target.
func (s *Store) logRole(ctx context.Context, action string, r roleItem, detail map[string]any) ddb.TransactWriteItem {
	detail["workspace_id"] = r.WorkspaceID
	if _, ok := detail["name"]; !ok {
		detail["name"] = r.Name
	}
	return s.log.Put(activity.Entry{Actor: identity.ActorFrom(ctx), Action: action, TargetType: "role", TargetID: r.ID, Detail: detail})
}

// CreateRole creates a role in an existing workspace; its name is claimed
// in the same transaction, so two roles of a workspace never share one.
func (s *Store) CreateRole(ctx context.Context, workspaceID string, in RoleInput) (Role, error) {
	wid, err := pathID(workspaceID, "Workspace")
	if err != nil {
		return Role{}, err
	}
	if err := validateRoleName(in.Name); err != nil {
		return Role{}, err
	}
	if err := validateDescription("description", in.Description); err != nil {
		return Role{}, err
	}
	dir, err := s.dir()
	if err != nil {
		return Role{}, err
	}
	exists, err := dir.WorkspaceExists(ctx, wid)
	if err != nil {
		return Role{}, fmt.Errorf("workspace %s exists: %w", wid, err)
	}
	if !exists {
		return Role{}, apperr.New(apperr.NotFound, "Workspace not found")
	}
	at := dynamo.FormatTime(s.now())
	rid := uuid.NewString()
	r := roleItem{
		PK: rolePK(rid), SK: skRole, ID: rid, WorkspaceID: wid, Name: in.Name, Description: in.Description,
		CreatedBy: identity.ActorFrom(ctx), CreatedAt: at, UpdatedAt: at, Version: 1,
	}
	tx := dynamo.NewTx().
		AddOr(s.repo.Put(claimItem{PK: workspacePK(wid), SK: prefixRole + in.Name, RoleID: rid}, "attribute_not_exists(pk)", nil), nameTaken(in.Name)).
		Add(s.repo.Put(r, "attribute_not_exists(pk)", nil), s.logRole(ctx, "role.create", r, map[string]any{}))
	if err := s.write(ctx, tx); err != nil {
		return Role{}, fmt.Errorf("create role: %w", err)
	}
	return r.view(), nil
}

// ListRoles answers one page of a workspace's roles in name order: one
// Query of the name claims and one BatchGetItem of their roles.
func (s *Store) ListRoles(ctx context.Context, workspaceID string, limit int, cursor string) (Page[Role], error) {
	wid, err := pathID(workspaceID, "Workspace")
	if err != nil {
		return Page[Role]{}, err
	}
	claims, err := page[claimItem](ctx, s, workspacePK(wid), prefixRole, limit, cursor)
	if err != nil {
		return Page[Role]{}, fmt.Errorf("list roles of %s: %w", wid, err)
	}
	keys := make([]attrs, 0, len(claims.Items))
	for _, c := range claims.Items {
		keys = append(keys, roleKey(c.RoleID))
	}
	roles, err := dynamo.BatchGet[roleItem](ctx, s.repo, keys)
	if err != nil {
		return Page[Role]{}, fmt.Errorf("get roles of %s: %w", wid, err)
	}
	byID := map[string]roleItem{}
	for _, r := range roles {
		byID[r.ID] = r
	}
	out := Page[Role]{Items: make([]Role, 0, len(claims.Items)), NextCursor: claims.NextCursor}
	for _, c := range claims.Items {
		if r, ok := byID[c.RoleID]; ok {
			out.Items = append(out.Items, r.view())
		}
	}
	return out, nil
}

// UpdateRole renames a role (moving its name claim in the same
// transaction) and/or changes its description.
func (s *Store) UpdateRole(ctx context.Context, roleID string, p RolePatch) (Role, error) {
	if p.Name != nil {
		if err := validateRoleName(*p.Name); err != nil {
			return Role{}, err
		}
	}
	if err := validateDescription("description", p.Description); err != nil {
		return Role{}, err
	}
	r, err := s.role(ctx, roleID)
	if err != nil {
		return Role{}, err
	}
	rid := r.ID
	next, detail := r, map[string]any{}
	if p.Name != nil && *p.Name != r.Name {
		next.Name, detail["name"] = *p.Name, *p.Name
	}
	if p.Description != nil && (r.Description == nil || *p.Description != *r.Description) {
		next.Description, detail["description"] = p.Description, *p.Description
	}
	if len(detail) == 0 {
		return r.view(), nil
	}
	next.UpdatedAt = dynamo.FormatTime(s.now())
	next.Version = r.Version + 1
	tx := dynamo.NewTx(s.repo.Put(next, "version = :v", attrs{":v": dynamo.N(r.Version)}))
	if next.Name != r.Name {
		tx.Add(s.repo.Delete(dynamo.Key(workspacePK(r.WorkspaceID), prefixRole+r.Name), "role_id = :rid", attrs{":rid": dynamo.S(rid)}))
		tx.AddOr(s.repo.Put(claimItem{PK: workspacePK(r.WorkspaceID), SK: prefixRole + next.Name, RoleID: rid}, "attribute_not_exists(pk)", nil), nameTaken(next.Name))
	}
	tx.Add(s.logRole(ctx, "role.update", r, detail))
	if err := s.write(ctx, tx); err != nil {
		return Role{}, fmt.Errorf("update role %s: %w", rid, err)
	}
	return next.view(), nil
}

// DeleteRole removes a role with its name claim, assignments and action
// links.
func (s *Store) DeleteRole(ctx context.Context, roleID string) error {
	rid, err := pathID(roleID, "Role")
	if err != nil {
		return err
	}
	return s.removeRole(ctx, rid, true)
}

// removeRole empties a role of its members and actions and deletes it.
// Every transaction is conditioned on the role's version as read, so an
// assignment or action added meanwhile fails it and the loop reads again;
// record adds the activity entry (purges are recorded by the directory).
func (s *Store) removeRole(ctx context.Context, rid string, record bool) error {
	return removeInChunks(ctx, func() (bool, error) {
		r, err := s.role(ctx, rid)
		if err != nil {
			return false, err
		}
		members, err := queryAll[assignItem](ctx, s, rolePK(rid), prefixMember)
		if err != nil {
			return false, fmt.Errorf("members of role %s: %w", rid, err)
		}
		var units [][]ddb.TransactWriteItem
		for _, m := range members {
			units = append(units, []ddb.TransactWriteItem{
				s.repo.Delete(dynamo.Key(m.PK, m.SK), "", nil),
				s.repo.Delete(dynamo.Key(userPK(r.WorkspaceID, m.UserID), prefixRole+rid), "", nil),
			})
		}
		for _, e := range r.Actions {
			aid := actionID(splitEntry(e))
			units = append(units, []ddb.TransactWriteItem{
				s.repo.Delete(dynamo.Key(actionPK(aid), prefixRole+rid), "", nil),
				s.repo.Update(actionKey(aid), "ADD role_count :minus", "attribute_exists(pk)", attrs{":minus": dynamo.N(-1)}),
			})
		}
		final := []ddb.TransactWriteItem{
			s.repo.Delete(roleKey(rid), "version = :v", attrs{":v": dynamo.N(r.Version)}),
			s.repo.Delete(dynamo.Key(workspacePK(r.WorkspaceID), prefixRole+r.Name), "", nil),
		}
		if record {
			final = append(final, s.logRole(ctx, "role.delete", r, map[string]any{}))
		}
		// A chunk takes members first, then actions, and accounts for them
		// on the role item.
		summary := func(k int) []ddb.TransactWriteItem {
			gone := min(k, len(members))
			update := "SET version = :next ADD member_count :m"
			values := attrs{":v": dynamo.N(r.Version), ":next": dynamo.N(r.Version + 1), ":m": dynamo.N(-gone)}
			if removed := r.Actions[:k-gone]; len(removed) > 0 {
				update += " DELETE actions :a"
				values[":a"] = dynamo.SS(removed...)
			}
			return []ddb.TransactWriteItem{s.repo.Update(roleKey(rid), update, "version = :v", values)}
		}
		done, err := s.drain(ctx, units, final, summary)
		if err != nil {
			err = fmt.Errorf("delete role %s: %w", rid, err)
		}
		return done, err
	})
}

// AddActionsInput is the body of POST /admin/roles/{rid}/actions.
type AddActionsInput struct {
	ServiceActionIDs []string `json:"service_action_ids"`
}

// AddActions puts registered actions into a role; actions it already
// holds are left as they are. Role set, links and the actions' role counts
// change in one transaction.
func (s *Store) AddActions(ctx context.Context, roleID string, in AddActionsInput) error {
	if len(in.ServiceActionIDs) == 0 || len(in.ServiceActionIDs) > maxAddActions {
		return apperr.Field("service_action_ids", fmt.Sprintf("must have 1 to %d entries", maxAddActions))
	}
	keys := make([]attrs, 0, len(in.ServiceActionIDs))
	for i, raw := range in.ServiceActionIDs {
		id, err := validateID(fmt.Sprintf("service_action_ids[%d]", i), raw)
		if err != nil {
			return err
		}
		in.ServiceActionIDs[i] = id
		if slices.Contains(in.ServiceActionIDs[:i], id) {
			return apperr.Field(fmt.Sprintf("service_action_ids[%d]", i), "is listed twice")
		}
		keys = append(keys, actionKey(id))
	}
	r, err := s.role(ctx, roleID)
	if err != nil {
		return err
	}
	rid := r.ID
	found, err := dynamo.BatchGet[actionItem](ctx, s.repo, keys)
	if err != nil {
		return fmt.Errorf("get service actions: %w", err)
	}
	byID := map[string]actionItem{}
	for _, a := range found {
		byID[a.ID] = a
	}
	var entries []string
	var added []actionItem
	for _, id := range in.ServiceActionIDs {
		a, ok := byID[id]
		if !ok {
			return apperr.New(apperr.BadRequest, "Service action '%s' not found", id)
		}
		if e := entryOf(a.ServiceName, a.Action); !slices.Contains(r.Actions, e) {
			entries, added = append(entries, e), append(added, a)
		}
	}
	if len(added) == 0 {
		return nil
	}
	if len(r.Actions)+len(added) > maxRoleActions {
		return apperr.New(apperr.BadRequest, "A role holds at most %d actions", maxRoleActions)
	}
	tx := dynamo.NewTx(s.repo.Update(roleKey(rid), "SET updated_at = :now ADD actions :a, version :one", "version = :v",
		attrs{":now": dynamo.S(dynamo.FormatTime(s.now())), ":a": dynamo.SS(entries...), ":one": dynamo.N(1), ":v": dynamo.N(r.Version)}))
	for i, a := range added {
		tx.Add(s.repo.Put(linkItem{PK: actionPK(a.ID), SK: prefixRole + rid, RoleID: rid, Entry: entries[i]}, "", nil))
		tx.AddOr(s.repo.Update(actionKey(a.ID), "ADD role_count :one", "attribute_exists(pk)", attrs{":one": dynamo.N(1)}),
			apperr.New(apperr.BadRequest, "Service action '%s' not found", a.ID))
	}
	tx.Add(s.logRole(ctx, "role.add_actions", r, map[string]any{"actions": entries}))
	if err := s.write(ctx, tx); err != nil {
		return fmt.Errorf("add actions to role %s: %w", rid, err)
	}
	return nil
}

// RemoveAction takes one action out of a role.
func (s *Store) RemoveAction(ctx context.Context, roleID, actionID string) error {
	r, err := s.role(ctx, roleID)
	if err != nil {
		return err
	}
	rid := r.ID
	notInRole := apperr.New(apperr.NotFound, "The role does not hold this action")
	aid, err := pathID(actionID, "Service action")
	if err != nil {
		return notInRole
	}
	l, found, err := dynamo.Get[linkItem](ctx, s.repo, dynamo.Key(actionPK(aid), prefixRole+rid))
	if err != nil {
		return fmt.Errorf("get action %s of role %s: %w", aid, rid, err)
	}
	if !found {
		return notInRole
	}
	tx := dynamo.NewTx().
		AddOr(s.repo.Delete(dynamo.Key(l.PK, l.SK), "attribute_exists(pk)", nil), notInRole).
		AddOr(s.repo.Update(roleKey(rid), "SET updated_at = :now DELETE actions :e ADD version :one", "attribute_exists(pk)",
			attrs{":now": dynamo.S(dynamo.FormatTime(s.now())), ":e": dynamo.SS(l.Entry), ":one": dynamo.N(1)}), errRoleGone).
		Add(s.repo.Update(actionKey(aid), "ADD role_count :minus", "attribute_exists(pk)", attrs{":minus": dynamo.N(-1)}),
			s.logRole(ctx, "role.remove_action", r, map[string]any{"action": l.Entry}))
	if err := s.write(ctx, tx); err != nil {
		return fmt.Errorf("remove action %s from role %s: %w", aid, rid, err)
	}
	return nil
}

// ListActions answers one page of a role's actions, ordered by service
// and action: the role item holds the set, one BatchGetItem the details.
func (s *Store) ListActions(ctx context.Context, roleID string, limit int, cursor string) (Page[ServiceAction], error) {
	start, err := dynamo.DecodeCursor(cursor, "entry")
	if err != nil {
		return Page[ServiceAction]{}, err
	}
	r, err := s.role(ctx, roleID)
	if err != nil {
		return Page[ServiceAction]{}, err
	}
	entries := slices.Sorted(slices.Values(r.Actions))
	from := 0
	if start != nil {
		after := start["entry"].(*ddb.AttributeValueMemberS).Value
		from, _ = slices.BinarySearch(entries, after)
		if from < len(entries) && entries[from] == after {
			from++
		}
	}
	entries = entries[from:]
	page := Page[ServiceAction]{Items: []ServiceAction{}}
	if len(entries) > limit {
		entries = entries[:limit]
		page.NextCursor = dynamo.NextCursor(attrs{"entry": dynamo.S(entries[limit-1])})
	}
	keys := make([]attrs, 0, len(entries))
	for _, e := range entries {
		keys = append(keys, actionKey(actionID(splitEntry(e))))
	}
	found, err := dynamo.BatchGet[actionItem](ctx, s.repo, keys)
	if err != nil {
		return Page[ServiceAction]{}, fmt.Errorf("get actions of role %s: %w", r.ID, err)
	}
	byEntry := map[string]actionItem{}
	for _, a := range found {
		byEntry[entryOf(a.ServiceName, a.Action)] = a
	}
	for _, e := range entries {
		if a, ok := byEntry[e]; ok {
			page.Items = append(page.Items, a.view())
		}
	}
	return page, nil
}

// AddMember assigns a role to a member of its workspace (400 for anyone
// else). Both sides of the assignment and the role's member count change
// in one transaction, with the directory's check that the membership is
// still there and not being removed (directory.Guard).
func (s *Store) AddMember(ctx context.Context, roleID, userID string) error {
	r, err := s.role(ctx, roleID)
	if err != nil {
		return err
	}
	rid := r.ID
	dir, err := s.dir()
	if err != nil {
		return err
	}
	notMember := apperr.New(apperr.BadRequest, "User '%s' is not a member of the role's workspace", userID)
	uid, err := validateID("user_id", userID)
	if err != nil {
		return notMember
	}
	if _, found, err := dir.Membership(ctx, r.WorkspaceID, uid); err != nil {
		return fmt.Errorf("membership of %s in %s: %w", uid, r.WorkspaceID, err)
	} else if !found {
		return notMember
	}
	a := assignItem{RoleID: rid, UserID: uid, AssignedAt: dynamo.FormatTime(s.now()), AssignedBy: identity.ActorFrom(ctx)}
	userSide, roleSide := a, a
	userSide.PK, userSide.SK = userPK(r.WorkspaceID, uid), prefixRole+rid
	roleSide.PK, roleSide.SK = rolePK(rid), prefixMember+uid
	holds := apperr.New(apperr.Conflict, "User '%s' already holds this role", uid)
	tx := dynamo.NewTx().
		AddOr(s.repo.Put(userSide, "attribute_not_exists(pk)", nil), holds).
		AddOr(s.repo.Put(roleSide, "attribute_not_exists(pk)", nil), holds).
		AddOr(s.repo.Update(roleKey(rid), "ADD member_count :one, version :one", "attribute_exists(pk)", attrs{":one": dynamo.N(1)}), errRoleGone).
		Add(s.logRole(ctx, "role.add_member", r, map[string]any{"user_id": uid}))
	for _, it := range dir.MemberGuard(r.WorkspaceID, uid) {
		tx.AddOr(it, notMember)
	}
	if err := s.write(ctx, tx); err != nil {
		return fmt.Errorf("assign role %s to %s: %w", rid, uid, err)
	}
	return nil
}

// RemoveMember takes a role away from a user.
func (s *Store) RemoveMember(ctx context.Context, roleID, userID string) error {
	r, err := s.role(ctx, roleID)
	if err != nil {
		return err
	}
	rid := r.ID
	notHeld := apperr.New(apperr.NotFound, "The user does not hold this role")
	uid, err := pathID(userID, "User")
	if err != nil {
		return notHeld
	}
	tx := dynamo.NewTx().
		AddOr(s.repo.Delete(dynamo.Key(userPK(r.WorkspaceID, uid), prefixRole+rid), "attribute_exists(pk)", nil), notHeld).
		Add(s.repo.Delete(dynamo.Key(rolePK(rid), prefixMember+uid), "", nil)).
		AddOr(s.repo.Update(roleKey(rid), "ADD member_count :minus, version :one", "attribute_exists(pk)", attrs{":minus": dynamo.N(-1), ":one": dynamo.N(1)}), errRoleGone).
		Add(s.logRole(ctx, "role.remove_member", r, map[string]any{"user_id": uid}))
	if err := s.write(ctx, tx); err != nil {
		return fmt.Errorf("unassign role %s from %s: %w", rid, uid, err)
	}
	return nil
}

// ListMembers answers one page of a role's members with their names and
// emails from the directory.
func (s *Store) ListMembers(ctx context.Context, roleID string, limit int, cursor string) (Page[Member], error) {
	r, err := s.role(ctx, roleID)
	if err != nil {
		return Page[Member]{}, err
	}
	rid := r.ID
	dir, err := s.dir()
	if err != nil {
		return Page[Member]{}, err
	}
	assigns, err := page[assignItem](ctx, s, rolePK(rid), prefixMember, limit, cursor)
	if err != nil {
		return Page[Member]{}, fmt.Errorf("list members of role %s: %w", rid, err)
	}
	ids := make([]string, 0, len(assigns.Items))
	for _, a := range assigns.Items {
		ids = append(ids, a.UserID)
	}
	users, err := dir.Users(ctx, ids)
	if err != nil {
		return Page[Member]{}, fmt.Errorf("users of role %s: %w", rid, err)
	}
	return dynamo.MapPage(assigns, func(a assignItem) Member {
		u := users[a.UserID]
		return Member{UserID: a.UserID, Email: u.Email, Name: u.Name, AssignedAt: a.AssignedAt, AssignedBy: a.AssignedBy}
	}), nil
}

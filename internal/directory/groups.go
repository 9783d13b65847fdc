package directory

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// NewGroup is what an admin supplies to create a group.
type NewGroup struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

func (in NewGroup) validate() error {
	if err := ValidateName(in.Name); err != nil {
		return err
	}
	return maxLen("description", in.Description, MaxDescriptionLen)
}

// groupNameKey is the sort key of a group name's claim: names are unique
// in a workspace regardless of case and surrounding spaces.
func groupNameKey(name string) string {
	return groupNameSK + strings.ToLower(strings.TrimSpace(name))
}

func groupNameTaken(name string) error {
	return apperr.New(apperr.Conflict, "group name '%s' is already taken in the workspace", name)
}

var (
	errNotMember    = apperr.New(apperr.BadRequest, "User is not a member of the group's workspace")
	errNotInGroup   = apperr.New(apperr.NotFound, "User is not in the group")
	errAlreadyInGrp = apperr.New(apperr.Conflict, "User is already in the group")
)

// CreateGroup creates a group in a workspace, claiming its name there in
// the same transaction (409 when taken).
func (s *Store) CreateGroup(ctx context.Context, workspaceID string, in NewGroup) (AdminGroup, error) {
	if err := in.validate(); err != nil {
		return AdminGroup{}, err
	}
	if !validID(workspaceID) {
		return AdminGroup{}, errNoWorkspace
	}
	at := dynamo.FormatTime(s.now())
	id := uuid.NewString()
	none := 0
	g := groupItem{
		PK: groupPK(id), SK: skGroup, Kind: kindGroup, CreatedSK: at + "#" + id, ID: id, WorkspaceID: workspaceID, Name: in.Name, Description: in.Description,
		CreatedAt: at, UpdatedAt: at, Version: 1, MemberCount: &none,
	}
	t := dynamo.NewTx()
	t.AddOr(s.repo.Check(dynamoKey{workspacePK(workspaceID), skWorkspace}.av(), writable, nil), errNoWorkspace)
	t.AddOr(s.claim(workspacePK(workspaceID), groupNameKey(in.Name), id), groupNameTaken(in.Name))
	t.Add(s.repo.Put(g, "attribute_not_exists(pk)", nil))
	t.Add(s.repo.Put(g.entry(), "", nil))
	t.Add(s.entry(ctx, "group.create", "group", id, map[string]any{"workspace_id": workspaceID, "name": g.Name}))
	if err := s.write(ctx, t, "create group"); err != nil {
		return AdminGroup{}, err
	}
	return g.adminGroup(), nil
}

// loadGroup reads a group; one being deleted is not found unless deleting
// is true (the delete that finishes it).
func (s *Store) loadGroup(ctx context.Context, id string, deleting bool) (groupItem, error) {
	var g groupItem
	if !validID(id) {
		return g, errNoGroup
	}
	g, found, err := dynamo.Get[groupItem](ctx, s.repo, dynamo.Key(groupPK(id), skGroup))
	if err == nil && (!found || g.Deleting && !deleting) {
		err = errNoGroup
	}
	return g, err
}

// GroupInWorkspace reports whether a group exists in a workspace: one
// GetItem (contract: Reader).
func (s *Store) GroupInWorkspace(ctx context.Context, workspaceID, groupID string) (bool, error) {
	g, err := s.loadGroup(ctx, groupID, false)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil && g.WorkspaceID == workspaceID, err
}

// ListGroups returns a page of a workspace's groups with their member
// counts (admin): one Query; with q, a search by id or name (see
// searchKeys). A group made before the counter is counted once (see
// counted).
func (s *Store) ListGroups(ctx context.Context, workspaceID string, l List) (Page[AdminGroup], error) {
	p, err := workspacePage(ctx, s, workspaceID, groupSK, l, groupFinder(workspaceID), func(g groupItem) groupItem { return g })
	if err != nil {
		return Page[AdminGroup]{}, err
	}
	items, err := s.countedAll(ctx, p.Items)
	return Page[AdminGroup]{Items: items, NextCursor: p.NextCursor}, err
}

// WorkspaceGroups returns a page of the groups of the token's workspace
// (backend read, as the original answered it: without counts): one Query,
// held to the token's workspace.
func (s *Store) WorkspaceGroups(ctx context.Context, workspaceID string, l List) (Page[Group], error) {
	if err := ownWorkspace(ctx, workspaceID); err != nil {
		return Page[Group]{}, err
	}
	return workspacePage(ctx, s, workspaceID, groupSK, l, groupFinder(workspaceID), groupItem.group)
}

// GetGroup returns a group with its member count (admin): one GetItem.
func (s *Store) GetGroup(ctx context.Context, id string) (AdminGroup, error) {
	g, err := s.loadGroup(ctx, id, false)
	if err != nil {
		return AdminGroup{}, err
	}
	gs, err := s.countedAll(ctx, []groupItem{g})
	if err != nil {
		return AdminGroup{}, err
	}
	return gs[0], nil
}

// GroupPatch is a partial update of a group; nil fields are left alone.
type GroupPatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// UpdateGroup renames a group (claiming the new name in its workspace) or
// changes its description; the workspace's list entry follows.
func (s *Store) UpdateGroup(ctx context.Context, id string, p GroupPatch) (AdminGroup, error) {
	if err := validatePatch(p.Name, p.Description); err != nil {
		return AdminGroup{}, err
	}
	return dynamo.Reread(ctx, func() (AdminGroup, error) {
		g, err := s.loadGroup(ctx, id, false)
		if err == nil {
			g, err = s.counted(ctx, g)
		}
		if err != nil {
			return AdminGroup{}, err
		}
		next, detail := g, map[string]any{}
		patch(detail, "name", p.Name, &next.Name)
		patch(detail, "description", p.Description, &next.Description)
		t := dynamo.NewTx()
		if groupNameKey(next.Name) != groupNameKey(g.Name) {
			t.AddOr(s.repo.Check(dynamoKey{workspacePK(g.WorkspaceID), skWorkspace}.av(), writable, nil), errNoGroup)
			t.AddOr(s.claim(workspacePK(g.WorkspaceID), groupNameKey(next.Name), id), groupNameTaken(next.Name))
			t.Add(s.unclaim(workspacePK(g.WorkspaceID), groupNameKey(g.Name), id))
		}
		if len(detail) == 0 {
			return g.adminGroup(), nil
		}
		next.UpdatedAt = dynamo.FormatTime(s.now())
		next.Version = g.Version + 1
		t.Add(s.versioned(next, g.Version))
		t.Add(s.repo.Put(next.entry(), "attribute_exists(pk)", nil))
		t.Add(s.entry(ctx, "group.update", "group", id, detail))
		if err := s.write(ctx, t, "update group "+id); err != nil {
			return AdminGroup{}, err
		}
		return next.adminGroup(), nil
	})
}

// DeleteGroup removes a group and its group memberships (each member's
// membership forgets the group in the same step); the name is free again.
// The group is marked deleting first, so that nobody joins it and no grant
// names it any more (see GroupGuard); then Dependents that hold data about
// groups purge it, and the group goes last: a failure part-way is finished
// by repeating the delete.
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	g, err := s.loadGroup(ctx, id, true)
	if err != nil {
		return err
	}
	if !g.Deleting {
		if err := s.markDeleting(ctx, dynamoKey{g.PK, g.SK}, errNoGroup); err != nil {
			return err
		}
	}
	for _, d := range s.dependents {
		if gd, ok := d.(GroupDependent); ok {
			if err := gd.PurgeGroup(ctx, g.WorkspaceID, id); err != nil {
				return fmt.Errorf("purge group %s: %w", id, err)
			}
		}
	}
	_, err = dynamo.Reread(ctx, func() (struct{}, error) {
		items, err := s.partition(ctx, g.PK)
		if err != nil {
			return struct{}{}, err
		}
		var units [][]ddb.TransactWriteItem
		for _, it := range items {
			sk := it["sk"].(*ddb.AttributeValueMemberS).Value
			uid, ok := strings.CutPrefix(sk, memberSK)
			if !ok {
				continue
			}
			units = append(units, []ddb.TransactWriteItem{
				s.repo.Update(memberKey(g.WorkspaceID, uid).av(), "DELETE #groups :g SET #version = #version + :one", "attribute_exists(pk)",
					dynamo.Item{":g": dynamo.SS(id), ":one": dynamo.N(1)}),
				s.repo.Delete(dynamoKey{g.PK, sk}.av(), "", nil),
			})
		}
		last := dynamo.NewTx()
		last.AddOr(s.repo.Delete(dynamoKey{g.PK, g.SK}.av(), "attribute_exists(#deleting)", nil), errNoGroup)
		last.Add(s.repo.Delete(dynamoKey{workspacePK(g.WorkspaceID), groupSK + id}.av(), "", nil))
		last.Add(s.unclaim(workspacePK(g.WorkspaceID), groupNameKey(g.Name), id))
		last.Add(s.entry(ctx, "group.delete", "group", id, map[string]any{"workspace_id": g.WorkspaceID, "name": g.Name, "members": len(units)}))
		return struct{}{}, s.writeInSteps(ctx, units, last, "delete group "+id)
	})
	return err
}

// groupQuery reads a group's partition: the group ("GROUP" sorts first),
// then its members.
func groupQuery(id string, limit int) *ddb.QueryInput {
	in := &ddb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(groupPK(id))},
	}
	if limit > 0 {
		in.Limit = aws.Int32(int32(limit))
	}
	return in
}

// GroupMembers returns a page of a group's members (admin): one Query,
// whose first page also holds the group (404 when there is none); with q,
// a GetItem of the group on the first page and a search by user id, email
// or name (see searchKeys).
func (s *Store) GroupMembers(ctx context.Context, id string, l List) (Page[GroupMember], error) {
	if err := l.validate(); err != nil {
		return Page[GroupMember]{}, err
	}
	if !validID(id) {
		return Page[GroupMember]{}, errNoGroup
	}
	if searchTerm(l.Q) != "" {
		if l.Cursor == "" {
			if _, err := s.loadGroup(ctx, id, false); err != nil {
				return Page[GroupMember]{}, err
			}
		}
		return searchPage(ctx, s, s.groupMemberFinder(id), l, groupMemberItem.member)
	}
	limit := l.Limit
	if l.Cursor == "" {
		limit++ // the group itself
	}
	in := groupQuery(id, limit)
	in.ConsistentRead = aws.Bool(true)
	raw, err := dynamo.QueryPage[dynamo.Item](ctx, s.repo, in, l.Cursor, dynamo.Scope{Exact: map[string]string{"pk": groupPK(id)}, Prefix: map[string]string{"sk": memberSK}})
	if err != nil {
		return Page[GroupMember]{}, err
	}
	next := raw.NextCursor
	groups, members, err := decodeMixed[groupItem, groupMemberItem](raw.Items, skGroup, memberSK)
	if err != nil {
		return Page[GroupMember]{}, err
	}
	if l.Cursor == "" && (len(groups) == 0 || groups[0].Deleting) {
		return Page[GroupMember]{}, errNoGroup
	}
	items := make([]GroupMember, 0, len(members))
	for _, m := range members {
		items = append(items, m.member())
	}
	return Page[GroupMember]{Items: items, NextCursor: next}, nil
}

// WorkspaceGroupMembers returns a page of the members of a group of the
// token's workspace (backend read): GroupMembers, after a GetItem of the
// group on every page, so that no cursor reaches another workspace's group.
func (s *Store) WorkspaceGroupMembers(ctx context.Context, workspaceID, groupID string, l List) (Page[GroupMember], error) {
	if err := ownWorkspace(ctx, workspaceID); err != nil {
		return Page[GroupMember]{}, err
	}
	g, err := s.loadGroup(ctx, groupID, false)
	if err != nil {
		return Page[GroupMember]{}, err
	}
	if g.WorkspaceID != workspaceID {
		return Page[GroupMember]{}, errNoGroup
	}
	return s.GroupMembers(ctx, groupID, l)
}

// AddGroupMember adds a member of the group's workspace to the group: 400
// when the user is not a member there, 409 when already in the group. The
// membership lists the group, and the group membership copies the user's
// profile, so the user's version moves on (see UpdateUser).
func (s *Store) AddGroupMember(ctx context.Context, groupID, userID string) (GroupMember, error) {
	if !validID(userID) {
		return GroupMember{}, errNoUser
	}
	return dynamo.Reread(ctx, func() (GroupMember, error) {
		g, err := s.loadGroup(ctx, groupID, false)
		if err == nil {
			g, err = s.counted(ctx, g)
		}
		if err != nil {
			return GroupMember{}, err
		}
		items, err := s.batchGet(ctx, []dynamoKey{memberKey(g.WorkspaceID, userID), {userPK(userID), skUser}}, true)
		if err != nil {
			return GroupMember{}, err
		}
		users, members, err := decodeMixed[userItem, memberItem](items, skUser, memberSK)
		switch {
		case err != nil:
			return GroupMember{}, err
		case len(users) == 0:
			return GroupMember{}, errNoUser
		case len(members) == 0:
			return GroupMember{}, errNotMember
		}
		u := users[0]
		gm := groupMemberItem{
			PK: g.PK, SK: memberSK + userID, GroupID: groupID, WorkspaceID: g.WorkspaceID, UserID: userID,
			AddedAt: dynamo.FormatTime(s.now()), profile: u.profile(g.PK),
		}
		t := dynamo.NewTx()
		t.AddOr(s.repo.Check(dynamoKey{workspacePK(g.WorkspaceID), skWorkspace}.av(), writable, nil), errNoGroup)
		t.Add(s.countUpdates(g, 1, writable)...)
		t.AddOr(s.repo.Put(gm, "attribute_not_exists(pk)", nil), errAlreadyInGrp)
		t.AddOr(s.repo.Update(memberKey(g.WorkspaceID, userID).av(), "ADD #groups :g SET #version = #version + :one", writable,
			dynamo.Item{":g": dynamo.SS(groupID), ":one": dynamo.N(1)}), errNotMember)
		t.Add(s.repo.Update(dynamoKey{u.PK, u.SK}.av(), "SET #version = :v1", "#version = :v",
			dynamo.Item{":v": dynamo.N(u.Version), ":v1": dynamo.N(u.Version + 1)}))
		t.Add(s.entry(ctx, "group.add_member", "group", groupID, map[string]any{"workspace_id": g.WorkspaceID, "user_id": userID, "email": u.Email}))
		if err := s.write(ctx, t, "add member to group "+groupID); err != nil {
			return GroupMember{}, err
		}
		return gm.member(), nil
	})
}

// RemoveGroupMember takes a user out of a group (404 when not in it); the
// group's count follows in the same transaction.
func (s *Store) RemoveGroupMember(ctx context.Context, groupID, userID string) error {
	_, err := dynamo.Reread(ctx, func() (struct{}, error) {
		g, err := s.loadGroup(ctx, groupID, false)
		if err == nil {
			g, err = s.counted(ctx, g)
		}
		if err != nil {
			return struct{}{}, err
		}
		if !validID(userID) {
			return struct{}{}, errNotInGroup
		}
		t := dynamo.NewTx()
		t.AddOr(s.repo.Delete(groupMemberKey(groupID, userID).av(), "attribute_exists(pk)", nil), errNotInGroup)
		t.Add(s.repo.Update(memberKey(g.WorkspaceID, userID).av(), "DELETE #groups :g SET #version = #version + :one", "attribute_exists(pk)",
			dynamo.Item{":g": dynamo.SS(groupID), ":one": dynamo.N(1)}))
		t.Add(s.countUpdates(g, -1, "")...)
		t.Add(s.entry(ctx, "group.remove_member", "group", groupID, map[string]any{"workspace_id": g.WorkspaceID, "user_id": userID}))
		return struct{}{}, s.write(ctx, t, "remove member from group "+groupID)
	})
	return err
}

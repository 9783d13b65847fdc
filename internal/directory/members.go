package directory

import (
	"context"
	"fmt"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// AddMember makes the user with an email a member of a workspace with a
// role. An unknown email pre-provisions the user (created active, with no
// name, in the same transaction). The membership copies the user's
// profile, so the user's version moves on (see UpdateUser).
func (s *Store) AddMember(ctx context.Context, workspaceID, email, role string) (Member, error) {
	email = NormalizeEmail(email)
	if err := ValidateEmail(email); err != nil {
		return Member{}, err
	}
	if err := ValidateRole(role); err != nil {
		return Member{}, err
	}
	if !validID(workspaceID) {
		return Member{}, errNoWorkspace
	}
	return dynamo.Reread(ctx, func() (Member, error) {
		c, known, err := dynamo.Get[claimItem](ctx, s.repo, dynamo.Key(emailPK(email), skClaim))
		if err != nil {
			return Member{}, err
		}
		t := dynamo.NewTx()
		t.AddOr(s.repo.Check(dynamoKey{workspacePK(workspaceID), skWorkspace}.av(), writable, nil), errNoWorkspace)
		var u userItem
		if known {
			if u, err = s.loadUser(ctx, c.ID); err != nil {
				return Member{}, fmt.Errorf("user of email claim: %w", err)
			}
			t.Add(s.repo.Update(dynamoKey{u.PK, u.SK}.av(), "ADD #workspace_ids :w SET #version = :v1", "#version = :v",
				dynamo.Item{":w": dynamo.SS(workspaceID), ":v": dynamo.N(u.Version), ":v1": dynamo.N(u.Version + 1)}))
		} else {
			var created *dynamo.Tx
			// A concurrent add of the same email claims it first: the
			// retry then finds the user.
			u, created = s.newUser(ctx, NewUser{Email: email}, dynamo.ErrChanged)
			u.WorkspaceIDs = []string{workspaceID}
			t.Join(created)
			t.Add(s.putUser(u))
		}
		at := dynamo.FormatTime(s.now())
		m := memberItem{
			PK: workspacePK(workspaceID), SK: memberSK + u.ID, WorkspaceID: workspaceID, UserID: u.ID, Role: role,
			JoinedAt: at, profile: u.profile(workspacePK(workspaceID)), Version: 1,
		}
		t.AddOr(s.repo.Put(m, "attribute_not_exists(pk)", nil), apperr.New(apperr.Conflict, "'%s' is already a member of the workspace", email))
		t.Add(s.entry(ctx, "member.add", "workspace", workspaceID, map[string]any{"user_id": u.ID, "email": email, "role": role}))
		if err := s.write(ctx, t, "add member to "+workspaceID); err != nil {
			return Member{}, err
		}
		return m.member(), nil
	})
}

func (s *Store) loadMember(ctx context.Context, workspaceID, userID string) (memberItem, error) {
	var m memberItem
	if !validID(workspaceID) || !validID(userID) {
		return m, errNoMember
	}
	m, found, err := dynamo.Get[memberItem](ctx, s.repo, memberKey(workspaceID, userID).av())
	if err == nil && !found {
		err = errNoMember
	}
	return m, err
}

// UpdateMember changes a member's role.
func (s *Store) UpdateMember(ctx context.Context, workspaceID, userID, role string) (Member, error) {
	if err := ValidateRole(role); err != nil {
		return Member{}, err
	}
	return dynamo.Reread(ctx, func() (Member, error) {
		m, err := s.loadMember(ctx, workspaceID, userID)
		if err != nil || m.Role == role {
			return m.member(), err
		}
		t := dynamo.NewTx()
		t.Add(s.repo.Update(dynamoKey{m.PK, m.SK}.av(), "SET #role = :r, #version = :v1", "#version = :v AND attribute_not_exists(#deleting)",
			dynamo.Item{":r": dynamo.S(role), ":v": dynamo.N(m.Version), ":v1": dynamo.N(m.Version + 1)}))
		t.Add(s.entry(ctx, "member.update", "workspace", workspaceID, map[string]any{"user_id": userID, "role": role, "previous_role": m.Role}))
		if err := s.write(ctx, t, "update member "+userID); err != nil {
			return Member{}, err
		}
		m.Role = role
		return m.member(), nil
	})
}

// RemoveMember ends a membership and the user's group memberships in the
// workspace. The membership is first marked deleting, so a grant running
// meanwhile fails its MemberGuard; then Dependents purge their data about
// the member, and the membership goes last. A failure part-way leaves the
// mark (the user is no member for Membership any more), and repeating the
// removal finishes it.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	m, err := s.loadMember(ctx, workspaceID, userID)
	if err != nil {
		return err
	}
	if !m.Deleting {
		if err := s.markDeleting(ctx, dynamoKey{m.PK, m.SK}, errNoMember); err != nil {
			return err
		}
	}
	for _, d := range s.dependents {
		if err := d.PurgeMember(ctx, workspaceID, userID); err != nil {
			return fmt.Errorf("purge member %s of %s: %w", userID, workspaceID, err)
		}
	}
	_, err = dynamo.Reread(ctx, func() (struct{}, error) {
		m, err := s.loadMember(ctx, workspaceID, userID)
		if err != nil {
			return struct{}{}, err
		}
		if err := s.countGroups(ctx, m.Groups); err != nil {
			return struct{}{}, err
		}
		// Leaving a group is three items: the group membership and the
		// counts on the group and its entry (see countUpdates). A member of
		// more groups than one transaction holds leaves them in steps, the
		// membership listing its remaining groups each time.
		const perGroup = 3
		for len(m.Groups) > (dynamo.MaxTransactItems-3)/perGroup {
			step := m.Groups[:(dynamo.MaxTransactItems-1)/perGroup]
			t := dynamo.NewTx()
			t.Add(s.repo.Update(dynamoKey{m.PK, m.SK}.av(), "DELETE #groups :g SET #version = :v1", "#version = :v",
				dynamo.Item{":g": dynamo.SS(step...), ":v": dynamo.N(m.Version), ":v1": dynamo.N(m.Version + 1)}))
			for _, g := range step {
				t.Add(s.leaveGroup(workspaceID, g, userID)...)
			}
			if err := s.write(ctx, t, "remove member "+userID+" from groups"); err != nil {
				return struct{}{}, err
			}
			m.Groups, m.Version = m.Groups[len(step):], m.Version+1
		}
		t := dynamo.NewTx()
		t.Add(s.repo.Delete(dynamoKey{m.PK, m.SK}.av(), "#version = :v", dynamo.Item{":v": dynamo.N(m.Version)}))
		for _, g := range m.Groups {
			t.Add(s.leaveGroup(workspaceID, g, userID)...)
		}
		t.Add(s.repo.Update(dynamoKey{userPK(userID), skUser}.av(), "DELETE #workspace_ids :w SET #version = #version + :one", "attribute_exists(pk)",
			dynamo.Item{":w": dynamo.SS(workspaceID), ":one": dynamo.N(1)}))
		t.Add(s.entry(ctx, "member.remove", "workspace", workspaceID, map[string]any{"user_id": userID, "email": m.Email, "groups": len(m.Groups)}))
		return struct{}{}, s.write(ctx, t, "remove member "+userID)
	})
	return err
}

// leaveGroup are the items of a transaction that take a member of the
// workspace out of group gid (counted: see countGroups) as the member
// leaves the workspace.
func (s *Store) leaveGroup(workspaceID, gid, userID string) []ddb.TransactWriteItem {
	return append([]ddb.TransactWriteItem{s.repo.Delete(groupMemberKey(gid, userID).av(), "attribute_exists(pk)", nil)},
		s.countUpdates(groupItem{ID: gid, WorkspaceID: workspaceID}, -1, "")...)
}

// ListMembers returns a page of a workspace's members (admin): one Query;
// with q, a search by user id, email or name (see searchKeys).
func (s *Store) ListMembers(ctx context.Context, workspaceID string, l List) (Page[Member], error) {
	return workspacePage(ctx, s, workspaceID, memberSK, l, s.memberFinder(workspaceID), memberItem.member)
}

// WorkspaceMembers returns a page of the members of the token's
// workspace (backend read): ListMembers, held to the token's workspace.
func (s *Store) WorkspaceMembers(ctx context.Context, workspaceID string, l List) (Page[Member], error) {
	if err := ownWorkspace(ctx, workspaceID); err != nil {
		return Page[Member]{}, err
	}
	return s.ListMembers(ctx, workspaceID, l)
}

// MemberGroups returns the ids of a user's groups in a workspace, and
// whether the user is a member there (authtier.Users): one GetItem.
func (s *Store) MemberGroups(ctx context.Context, workspaceID, userID string) ([]string, bool, error) {
	m, found, err := s.Membership(ctx, workspaceID, userID)
	return m.Groups, found, err
}

// Membership returns a user's membership in a workspace with the ids of
// the user's groups there: one GetItem (contract: Reader).
func (s *Store) Membership(ctx context.Context, workspaceID, userID string) (Membership, bool, error) {
	m, err := s.loadMember(ctx, workspaceID, userID)
	if apperr.Is(err, apperr.NotFound) || err == nil && m.Deleting {
		return Membership{}, false, nil
	}
	if err != nil {
		return Membership{}, false, err
	}
	groups := m.Groups
	if groups == nil {
		groups = []string{}
	}
	return Membership{WorkspaceID: workspaceID, UserID: userID, Role: m.Role, Groups: groups, JoinedAt: m.JoinedAt}, true, nil
}

// MemberGuard is what a grant to a member (a share, a role assignment)
// writes with, in the same transaction: ConditionChecks on the Directory
// table that hold only while the workspace and the membership exist and
// neither is being removed. Removals mark first and purge Dependents
// after, so no grant lands after the purge (contract: Guard).
func (s *Store) MemberGuard(workspaceID, userID string) []ddb.TransactWriteItem {
	return []ddb.TransactWriteItem{
		s.repo.Check(dynamoKey{workspacePK(workspaceID), skWorkspace}.av(), writable, nil),
		s.repo.Check(memberKey(workspaceID, userID).av(), writable, nil),
	}
}

// GroupGuard is MemberGuard for a grant to a group: the workspace and the
// group, which must belong to it, exist and are not being removed.
func (s *Store) GroupGuard(workspaceID, groupID string) []ddb.TransactWriteItem {
	return []ddb.TransactWriteItem{
		s.repo.Check(dynamoKey{workspacePK(workspaceID), skWorkspace}.av(), writable, nil),
		s.repo.Check(dynamoKey{groupPK(groupID), skGroup}.av(), writable+" AND #workspace_id = :w", dynamo.Item{":w": dynamo.S(workspaceID)}),
	}
}

package directory

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// NewWorkspace is what an admin supplies to create a workspace.
type NewWorkspace struct {
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
}

func (in NewWorkspace) validate() error {
	if err := ValidateName(in.Name); err != nil {
		return err
	}
	if err := ValidateSlug(in.Slug); err != nil {
		return err
	}
	return maxLen("description", in.Description, MaxDescriptionLen)
}

func slugTaken(slug string) error {
	return apperr.New(apperr.Conflict, "slug '%s' is already taken", slug)
}

// CreateWorkspace creates a workspace, claiming its slug in the same
// transaction (409 when taken).
func (s *Store) CreateWorkspace(ctx context.Context, in NewWorkspace) (Workspace, error) {
	if err := in.validate(); err != nil {
		return Workspace{}, err
	}
	at := dynamo.FormatTime(s.now())
	id := uuid.NewString()
	w := workspaceItem{
		PK: workspacePK(id), SK: skWorkspace, Kind: kindWorkspace, CreatedSK: at + "#" + id, ID: id, Name: in.Name,
		Slug: in.Slug, Description: in.Description, CreatedAt: at, UpdatedAt: at, Version: 1,
		searchKeys: searchKeysOf(workspacesList, in.Name, in.Slug),
	}
	t := dynamo.NewTx()
	t.AddOr(s.claim(slugPK(in.Slug), skClaim, id), slugTaken(in.Slug))
	t.Add(s.repo.Put(w, "attribute_not_exists(pk)", nil))
	t.Add(s.entry(ctx, "workspace.create", "workspace", id, map[string]any{"name": w.Name, "slug": w.Slug}))
	if err := s.write(ctx, t, "create workspace"); err != nil {
		return Workspace{}, err
	}
	return w.workspace(), nil
}

// loadWorkspace reads a workspace; one being deleted is not found unless
// deleting is true (the delete that finishes it).
func (s *Store) loadWorkspace(ctx context.Context, id string, deleting bool) (workspaceItem, error) {
	var w workspaceItem
	if !validID(id) {
		return w, errNoWorkspace
	}
	w, found, err := dynamo.Get[workspaceItem](ctx, s.repo, dynamo.Key(workspacePK(id), skWorkspace))
	if err == nil && (!found || w.Deleting && !deleting) {
		err = errNoWorkspace
	}
	return w, err
}

// GetWorkspace returns one workspace.
func (s *Store) GetWorkspace(ctx context.Context, id string) (Workspace, error) {
	w, err := s.loadWorkspace(ctx, id, false)
	return w.workspace(), err
}

// WorkspaceExists reports whether a workspace exists and is not being
// deleted: one GetItem (RBAC creates roles in existing workspaces only).
func (s *Store) WorkspaceExists(ctx context.Context, id string) (bool, error) {
	_, err := s.loadWorkspace(ctx, id, false)
	if apperr.Is(err, apperr.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// WorkspaceBySlug returns the workspace holding a slug (found false if
// none): the claim, then the workspace.
func (s *Store) WorkspaceBySlug(ctx context.Context, slug string) (Workspace, bool, error) {
	if ValidateSlug(slug) != nil {
		return Workspace{}, false, nil
	}
	c, found, err := dynamo.Get[claimItem](ctx, s.repo, dynamo.Key(slugPK(slug), skClaim))
	if err != nil || !found {
		return Workspace{}, false, err
	}
	w, err := s.GetWorkspace(ctx, c.ID)
	if apperr.Is(err, apperr.NotFound) {
		return Workspace{}, false, nil
	}
	return w, err == nil, err
}

// ListWorkspaces returns a page of workspaces, oldest first: one Query of
// the by-kind index; with q, a search by id, slug or name (see searchKeys).
func (s *Store) ListWorkspaces(ctx context.Context, l List) (Page[Workspace], error) {
	return listKind(ctx, s, kindWorkspace, skWorkspace, l, s.workspaceFinder(), workspaceItem.workspace)
}

// WorkspacePatch is a partial update of a workspace; nil fields are left alone.
type WorkspacePatch struct {
	Name        *string `json:"name"`
	Slug        *string `json:"slug"`
	Description *string `json:"description"`
}

// UpdateWorkspace renames a workspace, changes its description or moves
// it to a new slug (claimed, and the old one released, in the same
// transaction).
func (s *Store) UpdateWorkspace(ctx context.Context, id string, p WorkspacePatch) (Workspace, error) {
	if err := validatePatch(p.Name, p.Description); err != nil {
		return Workspace{}, err
	}
	if p.Slug != nil {
		if err := ValidateSlug(*p.Slug); err != nil {
			return Workspace{}, err
		}
	}
	return dynamo.Reread(ctx, func() (Workspace, error) {
		w, err := s.loadWorkspace(ctx, id, false)
		if err != nil {
			return Workspace{}, err
		}
		next, detail := w, map[string]any{}
		patch(detail, "name", p.Name, &next.Name)
		patch(detail, "description", p.Description, &next.Description)
		patch(detail, "slug", p.Slug, &next.Slug)
		next.searchKeys = searchKeysOf(workspacesList, next.Name, next.Slug)
		t := dynamo.NewTx()
		if next.Slug != w.Slug {
			t.AddOr(s.claim(slugPK(next.Slug), skClaim, id), slugTaken(next.Slug))
			t.Add(s.unclaim(slugPK(w.Slug), skClaim, id))
		}
		if len(detail) == 0 {
			return w.workspace(), nil
		}
		next.UpdatedAt = dynamo.FormatTime(s.now())
		next.Version = w.Version + 1
		t.Add(s.versioned(next, w.Version))
		t.Add(s.entry(ctx, "workspace.update", "workspace", id, detail))
		if err := s.write(ctx, t, "update workspace "+id); err != nil {
			return Workspace{}, err
		}
		return next.workspace(), nil
	})
}

// DeleteWorkspace removes a workspace and everything in it: its
// memberships (and the users' references to them), groups, group
// memberships and claims; the slug is free again. The workspace is first
// marked deleting: no write may add to it and no grant may name it any
// more (see MemberGuard). Then Dependents purge their data, and its items
// are removed in steps, the workspace itself last: a failure part-way
// leaves it marked, and repeating the delete finishes the job.
func (s *Store) DeleteWorkspace(ctx context.Context, id string) error {
	w, err := s.loadWorkspace(ctx, id, true)
	if err != nil {
		return err
	}
	if !w.Deleting {
		if err := s.markDeleting(ctx, dynamoKey{w.PK, w.SK}, errNoWorkspace); err != nil {
			return err
		}
	}
	for _, d := range s.dependents {
		if err := d.PurgeWorkspace(ctx, id); err != nil {
			return fmt.Errorf("purge workspace %s: %w", id, err)
		}
	}
	_, err = dynamo.Reread(ctx, func() (struct{}, error) { return struct{}{}, s.removeWorkspace(ctx, w) })
	return err
}

// removeWorkspace deletes a marked workspace's items: group memberships
// first, then groups, then memberships, the workspace and its slug last.
func (s *Store) removeWorkspace(ctx context.Context, w workspaceItem) error {
	items, err := s.partition(ctx, w.PK)
	if err != nil {
		return err
	}
	var groupMembers, groups, members [][]ddb.TransactWriteItem
	nGroups := 0
	for _, it := range items {
		sk := it["sk"].(*ddb.AttributeValueMemberS).Value
		switch {
		case sk == skWorkspace:
			continue
		case strings.HasPrefix(sk, memberSK):
			uid := strings.TrimPrefix(sk, memberSK)
			members = append(members, []ddb.TransactWriteItem{
				s.repo.Delete(dynamoKey{w.PK, sk}.av(), "", nil),
				s.repo.Update(dynamoKey{userPK(uid), skUser}.av(), "DELETE #workspace_ids :w SET #version = #version + :one", "attribute_exists(pk)",
					dynamo.Item{":w": dynamo.SS(w.ID), ":one": dynamo.N(1)}),
			})
		case strings.HasPrefix(sk, groupSK):
			gid := strings.TrimPrefix(sk, groupSK)
			inGroup, err := s.partition(ctx, groupPK(gid))
			if err != nil {
				return err
			}
			for _, gm := range inGroup {
				gmk := dynamoKey{groupPK(gid), gm["sk"].(*ddb.AttributeValueMemberS).Value}
				groupMembers = append(groupMembers, []ddb.TransactWriteItem{s.repo.Delete(gmk.av(), "", nil)})
			}
			groups = append(groups, []ddb.TransactWriteItem{s.repo.Delete(dynamoKey{w.PK, sk}.av(), "", nil)})
			nGroups++
		default: // group name claims
			groups = append(groups, []ddb.TransactWriteItem{s.repo.Delete(dynamoKey{w.PK, sk}.av(), "", nil)})
		}
	}
	last := dynamo.NewTx()
	last.AddOr(s.repo.Delete(dynamoKey{w.PK, w.SK}.av(), "attribute_exists(#deleting)", nil), errNoWorkspace)
	last.Add(s.unclaim(slugPK(w.Slug), skClaim, w.ID))
	last.Add(s.entry(ctx, "workspace.delete", "workspace", w.ID, map[string]any{
		"name": w.Name, "slug": w.Slug, "members": len(members), "groups": nGroups,
	}))
	units := append(append(groupMembers, groups...), members...)
	return s.writeInSteps(ctx, units, last, "delete workspace "+w.ID)
}

// partition reads every item of a partition (strongly consistent, one
// Query per MB): only the cascading deletes do.
func (s *Store) partition(ctx context.Context, pk string) ([]dynamo.Item, error) {
	items, err := dynamo.QueryItems(ctx, s.repo, dynamo.Prefix(pk, ""), 0)
	if err != nil {
		return nil, fmt.Errorf("read partition %s: %w", pk, err)
	}
	return items, nil
}

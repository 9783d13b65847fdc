package directory

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// Member counts. A group's member_count is on the group and on its entry
// in the workspace's list (so the admin list of groups stays one Query),
// and every add and removal changes both in its own transaction: adding
// to a group, removing from it, and removing a member from the workspace
// (which leaves all of the member's groups). Each change also moves the
// group's version on, so that a rename, which puts the whole group, never
// writes an older count back. Deleting a group or a workspace removes the
// counted items with the groups.
//
// A group made before the counter existed has no member_count. The first
// read or change that needs it counts the group's members (a consistent
// Query with Select=COUNT of its partition) and writes the count back to
// the group and its entry at the version it read (see counted): once per
// group, never again after.

// countUpdates are the items of a transaction that change g's count by d
// (g must be counted); cond is the further condition on the group.
func (s *Store) countUpdates(g groupItem, d int, cond string) []ddb.TransactWriteItem {
	v := dynamo.Item{":d": dynamo.N(d), ":one": dynamo.N(1)}
	onGroup := "attribute_exists(member_count)"
	if cond != "" {
		onGroup = cond + " AND " + onGroup
	}
	return []ddb.TransactWriteItem{
		s.repo.Update(dynamoKey{groupPK(g.ID), skGroup}.av(), "ADD member_count :d, #version :one", onGroup, v),
		s.repo.Update(dynamoKey{workspacePK(g.WorkspaceID), groupSK + g.ID}.av(), "ADD member_count :d, #version :one", "attribute_exists(member_count)", v),
	}
}

// counted answers g with its member count: as it is, or, for a group made
// before the counter, counted and written back (see above). When the
// write-back loses to another change of the group, g comes back with the
// count all the same and an error that dynamo.IsChanged reports: a read
// shows the count, a change reads the group again.
func (s *Store) counted(ctx context.Context, g groupItem) (groupItem, error) {
	if g.MemberCount != nil {
		return g, nil
	}
	n, err := dynamo.Count(ctx, s.repo, &ddb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :m)"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(groupPK(g.ID)), ":m": dynamo.S(memberSK)},
		ConsistentRead:            aws.Bool(true),
	})
	if err != nil {
		return g, fmt.Errorf("count members of group %s: %w", g.ID, err)
	}
	v := dynamo.Item{":n": dynamo.N(n), ":v": dynamo.N(g.Version), ":one": dynamo.N(1)}
	t := dynamo.NewTx()
	t.Add(s.repo.Update(dynamoKey{groupPK(g.ID), skGroup}.av(), "SET member_count = :n, #version = :v + :one",
		"#version = :v AND attribute_not_exists(member_count)", v))
	t.Add(s.repo.Update(dynamoKey{workspacePK(g.WorkspaceID), groupSK + g.ID}.av(), "SET member_count = :n, #version = :v + :one",
		"attribute_exists(pk) AND attribute_not_exists(member_count)", v))
	err = s.write(ctx, t, "count members of group "+g.ID)
	g.MemberCount = &n
	if err == nil {
		g.Version++
	}
	return g, err
}

// countedAll answers gs with their member counts (see counted): a read,
// so a lost write-back still answers the count it made.
func (s *Store) countedAll(ctx context.Context, gs []groupItem) ([]AdminGroup, error) {
	out := make([]AdminGroup, 0, len(gs))
	for _, g := range gs {
		g, err := s.counted(ctx, g)
		if err != nil && !dynamo.IsChanged(err) {
			return nil, err
		}
		out = append(out, g.adminGroup())
	}
	return out, nil
}

// countGroups makes sure that the groups ids of a workspace are counted
// before a change updates their counts: one consistent BatchGetItem, and
// a count of each group made before the counter.
func (s *Store) countGroups(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	keys := make([]dynamoKey, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, dynamoKey{groupPK(id), skGroup})
	}
	items, err := s.batchGet(ctx, keys, true)
	if err != nil {
		return err
	}
	gs, err := dynamo.Decode[groupItem](items)
	if err != nil {
		return fmt.Errorf("decode groups: %w", err)
	}
	for _, g := range gs {
		if _, err := s.counted(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

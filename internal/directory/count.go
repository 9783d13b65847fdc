package directory

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// CountUsers counts users through the by-kind index (GET /admin/stats).
func (s *Store) CountUsers(ctx context.Context) (int, error) { return s.countKind(ctx, kindUser) }

// CountWorkspaces counts workspaces through the by-kind index.
func (s *Store) CountWorkspaces(ctx context.Context) (int, error) {
	return s.countKind(ctx, kindWorkspace)
}

// CountInactiveUsers counts the deactivated users: the same Query as
// CountUsers, filtered.
func (s *Store) CountInactiveUsers(ctx context.Context) (int, error) {
	return dynamo.Count(ctx, s.repo, &ddb.QueryInput{
		IndexName:              aws.String("by-kind"),
		KeyConditionExpression: aws.String("kind = :k"),
		FilterExpression:       aws.String("#is_active = :f"),
		ExpressionAttributeValues: map[string]ddb.AttributeValue{
			":k": dynamo.S(kindUser), ":f": dynamo.Bool(false),
		},
	})
}

// CountGroups counts groups through the by-kind index (the group items
// carry kind=group since groups were counted; older ones are not counted).
func (s *Store) CountGroups(ctx context.Context) (int, error) { return s.countKind(ctx, kindGroup) }

func (s *Store) countKind(ctx context.Context, kind string) (int, error) {
	return dynamo.Count(ctx, s.repo, &ddb.QueryInput{
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: map[string]ddb.AttributeValue{":k": dynamo.S(kind)},
	})
}

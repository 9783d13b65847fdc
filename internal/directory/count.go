package directory

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"sentinel/internal/dynamo"
)

// CountUsers counts users through the by-kind index (GET /admin/stats).
func (s *Store) CountUsers(ctx context.Context) (int, error) { return s.countKind(ctx, kindUser) }

// CountWorkspaces counts workspaces through the by-kind index.
func (s *Store) CountWorkspaces(ctx context.Context) (int, error) {
	return s.countKind(ctx, kindWorkspace)
}

func (s *Store) countKind(ctx context.Context, kind string) (int, error) {
	return dynamo.Count(ctx, s.repo, &dynamodb.QueryInput{
		IndexName:                 aws.String("by-kind"),
		KeyConditionExpression:    aws.String("kind = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": dynamo.S(kind)},
	})
}

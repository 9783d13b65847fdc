package permissions

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
)

// CountResources counts the resources registered by the given services,
// one counting Query of the by-service index (which holds records only)
// per service (GET /admin/stats).
func (s *Store) CountResources(ctx context.Context, serviceNames []string) (int, error) {
	total := 0
	for _, name := range serviceNames {
		n, err := dynamo.Count(ctx, s.repo, &ddb.QueryInput{
			IndexName:                 aws.String(byService),
			KeyConditionExpression:    aws.String("service_name = :s"),
			ExpressionAttributeValues: dynamo.Item{":s": dynamo.S(name)},
		})
		if err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

package dynamo

import (
	"context"
	"fmt"

	"sentinel/internal/dynamo/ddb"
)

// Count runs a Query that only counts (Select COUNT) over every 1 MB page
// and returns the number of matching items. For admin statistics: its cost
// grows with the partition, so it stays off request hot paths.
func Count(ctx context.Context, r Repo, in *ddb.QueryInput) (int, error) {
	in.Select = ddb.SelectCount
	n := 0
	for {
		out, err := Query(ctx, r, in)
		if err != nil {
			return 0, fmt.Errorf("count: %w", err)
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n, nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

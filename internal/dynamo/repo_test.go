package dynamo_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/ddb"
	"sentinel/internal/dynamotest"
)

type row struct {
	PK   string `dynamodbav:"pk"`
	SK   string `dynamodbav:"sk"`
	Name string `dynamodbav:"name"`
	N    int    `dynamodbav:"n"`
}

// repo is a fresh RBAC table (any pk/sk table would do) with rows
// P#<p>/R#<i> for p in a, b and i < n.
func repo(t *testing.T, n int) (dynamo.Repo, *dynamotest.Env) {
	t.Helper()
	env := dynamotest.New(t)
	r := dynamo.Repo{DB: env.Client, Table: env.Names.Name(dynamo.RBAC)}
	tx := dynamo.NewTx()
	for _, p := range []string{"a", "b"} {
		for i := range n {
			tx.Add(r.Put(row{PK: "P#" + p, SK: fmt.Sprintf("R#%03d", i), Name: p, N: i}, "attribute_not_exists(pk)", nil))
			if tx.Len() == dynamo.MaxTransactItems {
				if err := tx.Write(t.Context(), r.DB); err != nil {
					t.Fatal(err)
				}
				tx = dynamo.NewTx()
			}
		}
	}
	if err := tx.Write(t.Context(), r.DB); err != nil {
		t.Fatal(err)
	}
	env.Counter.Reset()
	return r, env
}

func TestGetAndBatchGet(t *testing.T) {
	r, env := repo(t, 3)
	got, found, err := dynamo.Get[row](t.Context(), r, dynamo.Key("P#a", "R#001"))
	if err != nil || !found || got.N != 1 || got.Name != "a" {
		t.Errorf("Get = %+v, %v, %v", got, found, err)
	}
	raw, found, err := dynamo.Get[dynamo.Item](t.Context(), r, dynamo.Key("P#b", "R#002"))
	if v, _ := raw["name"].(*ddb.AttributeValueMemberS); err != nil || !found || v == nil || v.Value != "b" {
		t.Errorf("Get as Item = %v, %v, %v", raw, found, err)
	}
	if _, found, err := dynamo.Get[row](t.Context(), r, dynamo.Key("P#a", "R#999")); found || err != nil {
		t.Errorf("Get of a missing item = %v, %v", found, err)
	}
	keys := []dynamo.Item{dynamo.Key("P#a", "R#000"), dynamo.Key("P#b", "R#002"), dynamo.Key("P#a", "R#000"), dynamo.Key("P#x", "R#000")}
	env.Counter.Reset()
	rows, err := dynamo.BatchGet[row](t.Context(), r, keys)
	if err != nil || len(rows) != 2 {
		t.Fatalf("BatchGet = %+v, %v; want the 2 existing distinct rows", rows, err)
	}
	if items, err := dynamo.BatchGet[dynamo.Item](t.Context(), r, keys); err != nil || len(items) != 2 {
		t.Errorf("BatchGet as Items = %v, %v", items, err)
	}
	if c := env.Counter.Counts()["BatchGetItem"]; c != 2 {
		t.Errorf("BatchGetItem calls = %d, want 1", c)
	}
	// No key: no call, no error.
	if rows, err := dynamo.BatchGet[row](t.Context(), r, nil); err != nil || len(rows) != 0 {
		t.Errorf("BatchGet of no keys = %v, %v", rows, err)
	}
	if c := env.Counter.Counts()["BatchGetItem"]; c != 2 {
		t.Errorf("BatchGetItem calls after no keys = %d, want still 2", c)
	}
}

func TestQueryAllAndPages(t *testing.T) {
	r, env := repo(t, 7)
	all, err := dynamo.QueryAll[row](t.Context(), r, dynamo.Prefix("P#a", "R#"))
	if err != nil || len(all) != 7 {
		t.Fatalf("QueryAll = %d rows, %v; want 7", len(all), err)
	}
	scope := dynamo.Scope{Exact: map[string]string{"pk": "P#a"}, Prefix: map[string]string{"sk": "R#"}}
	var seen []int
	cursor := ""
	pages := 0
	for {
		in := dynamo.Prefix("P#a", "R#")
		in.Limit = aws.Int32(3)
		p, err := dynamo.QueryPage[row](t.Context(), r, in, cursor, scope)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, it := range p.Items {
			seen = append(seen, it.N)
		}
		if p.NextCursor == nil {
			break
		}
		cursor = *p.NextCursor
	}
	if !slices.Equal(seen, []int{0, 1, 2, 3, 4, 5, 6}) || pages != 3 {
		t.Errorf("paged %v in %d pages, want 0..6 in 3", seen, pages)
	}
	// A cursor of partition b is refused on a's listing, without a Query.
	inB := dynamo.Prefix("P#b", "R#")
	inB.Limit = aws.Int32(1)
	pb, err := dynamo.QueryPage[row](t.Context(), r, inB, "", dynamo.Scope{Exact: map[string]string{"pk": "P#b"}, Prefix: map[string]string{"sk": ""}})
	if err != nil || pb.NextCursor == nil {
		t.Fatalf("page of b = %+v, %v", pb, err)
	}
	env.Counter.Reset()
	for _, bad := range []string{*pb.NextCursor, "%%%", "eyJwayI6IlAjYSJ9", dynamo.EncodeCursor(dynamo.Key("P#a", "X#1"))} {
		_, err := dynamo.QueryPage[row](t.Context(), r, dynamo.Prefix("P#a", "R#"), bad, scope)
		if !apperr.Is(err, apperr.BadRequest) {
			t.Errorf("cursor %q: err = %v, want 400", bad, err)
		}
	}
	if n := env.Counter.Total(); n != 0 {
		t.Errorf("bad cursors cost %d calls, want 0", n)
	}
	// An empty page is [] in JSON, not null.
	empty, err := dynamo.QueryPage[row](t.Context(), r, dynamo.Prefix("P#none", ""), "", dynamo.Scope{Exact: map[string]string{"pk": "P#none"}, Prefix: map[string]string{"sk": ""}})
	if err != nil || empty.Items == nil || empty.NextCursor != nil {
		t.Errorf("empty page = %+v, %v", empty, err)
	}
}

func TestTxOnDynamoDBLocal(t *testing.T) {
	r, _ := repo(t, 1)
	exists := apperr.New(apperr.Conflict, "exists")
	// A failed condition names its item's error; nothing is written.
	tx := dynamo.NewTx(r.Put(row{PK: "P#c", SK: "R#000"}, "", nil))
	tx.AddOr(r.Put(row{PK: "P#a", SK: "R#000"}, "attribute_not_exists(pk)", nil), exists)
	err := tx.Write(t.Context(), r.DB)
	var ce *dynamo.CancelledError
	if !errors.Is(err, exists) || !errors.As(err, &ce) || !ce.ConditionFailed(1) || ce.ConditionFailed(0) {
		t.Fatalf("err = %v, want the item's error with reasons", err)
	}
	if _, found, _ := dynamo.Get[row](t.Context(), r, dynamo.Key("P#c", "R#000")); found {
		t.Error("a cancelled transaction wrote an item")
	}
	// Update with #name placeholders (name is a reserved word).
	err = dynamo.NewTx(r.Update(dynamo.Key("P#a", "R#000"), "SET #name = :v ADD #n :one", "attribute_exists(pk)", dynamo.Item{":v": dynamo.S("z"), ":one": dynamo.N(1)})).Write(t.Context(), r.DB)
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := dynamo.Get[row](t.Context(), r, dynamo.Key("P#a", "R#000"))
	if got.Name != "z" || got.N != 1 {
		t.Errorf("after update: %+v", got)
	}
}

func TestConflictsAreRetried(t *testing.T) {
	r, _ := repo(t, 1)
	c := dynamotest.NewConflicts(r.DB)
	rc := dynamo.Repo{DB: c, Table: r.Table}
	c.Arm(2)
	if err := dynamo.NewTx(rc.Put(row{PK: "P#d", SK: "R#000", N: 4}, "attribute_not_exists(pk)", nil)).Write(t.Context(), c); err != nil {
		t.Fatalf("write after 2 conflicts: %v", err)
	}
	if c.Injected() != 2 {
		t.Errorf("injected %d conflicts, want 2", c.Injected())
	}
	if got, found, _ := dynamo.Get[row](t.Context(), r, dynamo.Key("P#d", "R#000")); !found || got.N != 4 {
		t.Errorf("item after retried write: %+v, %v", got, found)
	}
}

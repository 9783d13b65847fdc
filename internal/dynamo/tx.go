package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"sentinel/internal/apperr"
	"sentinel/internal/budget"
	"sentinel/internal/dynamo/ddb"
)

// MaxTransactItems is DynamoDB's limit on items in one transaction.
const MaxTransactItems = 100

// Cancellation reason codes DynamoDB gives per transaction item.
const (
	reasonNone       = "None"
	reasonCondition  = "ConditionalCheckFailed"
	reasonConflict   = "TransactionConflict"
	reasonThrottled  = "ThrottlingError"
	reasonThroughput = "ProvisionedThroughputExceeded"
)

// ErrChanged answers a write whose reads went stale under a concurrent
// change: a failed condition no item error explains, or a conflict with
// other transactions that outlasted the retry policy. Reread runs a
// read-modify-write again on it; what is left is a 409 asking to retry.
var ErrChanged = apperr.New(apperr.Conflict, "The data was changed concurrently; retry")

// errBusy answers a transaction still throttled after the retry policy.
var errBusy = budget.ErrThrottled

// CancelledError is a transaction DynamoDB cancelled: each item's reason
// (Reasons[i], "None" for items that were fine) and what the cancellation
// means to the caller (Err: the error registered for the first item whose
// condition failed, else ErrChanged, or a 503 when throttled). Errors from
// Tx.Write are detected with errors.As or errors.Is on Err, never by text.
type CancelledError struct {
	Reasons []string
	Err     error
	cause   error
}

func (e *CancelledError) Error() string {
	return fmt.Sprintf("transaction cancelled [%s]: %v", strings.Join(e.Reasons, " "), e.Err)
}

// Unwrap gives errors.Is and errors.As both the meaning and DynamoDB's refusal.
func (e *CancelledError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.cause}
	}
	return []error{e.Err, e.cause}
}

// ConditionFailed reports whether item i's condition failed.
func (e *CancelledError) ConditionFailed(i int) bool {
	return i < len(e.Reasons) && e.Reasons[i] == reasonCondition
}

// Tx is one transaction under construction: its items, each with the
// error its failed condition means (nil: ErrChanged).
type Tx struct {
	items []ddb.TransactWriteItem
	fails []error
}

// NewTx starts a transaction with items whose failed conditions mean
// ErrChanged.
func NewTx(items ...ddb.TransactWriteItem) *Tx {
	t := &Tx{}
	t.Add(items...)
	return t
}

// Add appends items whose failed conditions mean ErrChanged.
func (t *Tx) Add(items ...ddb.TransactWriteItem) *Tx {
	for _, it := range items {
		t.AddOr(it, nil)
	}
	return t
}

// AddOr appends an item whose failed condition means onFail.
func (t *Tx) AddOr(item ddb.TransactWriteItem, onFail error) *Tx {
	t.items = append(t.items, item)
	t.fails = append(t.fails, onFail)
	return t
}

// Join appends o's items with their errors.
func (t *Tx) Join(o *Tx) *Tx {
	t.items = append(t.items, o.items...)
	t.fails = append(t.fails, o.fails...)
	return t
}

// Len is the number of items.
func (t *Tx) Len() int { return len(t.items) }

// Write runs the transaction under the retry policy (conflicts and
// throttling are retried) and maps a cancellation to a *CancelledError.
// An empty transaction writes nothing.
func (t *Tx) Write(ctx context.Context, db DB) error {
	if len(t.items) == 0 {
		return nil
	}
	err := Retry(ctx, Retryable, func() error {
		_, err := db.TransactWriteItems(ctx, &ddb.TransactWriteItemsInput{TransactItems: t.items})
		return err
	})
	var tce *ddb.TransactionCanceledException
	if !errors.As(err, &tce) {
		return err
	}
	c := &CancelledError{Reasons: make([]string, len(tce.CancellationReasons)), cause: err}
	for i, r := range tce.CancellationReasons {
		c.Reasons[i] = aws.ToString(r.Code)
	}
	changed, busy := false, false
	for i, r := range c.Reasons {
		switch r {
		case reasonCondition:
			if i < len(t.fails) && t.fails[i] != nil {
				c.Err = t.fails[i]
				return c
			}
			changed = true
		case reasonConflict:
			changed = true
		case reasonThrottled, reasonThroughput:
			busy = true
		}
	}
	switch {
	case changed:
		c.Err = ErrChanged
	case busy:
		c.Err = errBusy
	}
	return c
}

// TransactWrite runs items as one transaction (see Tx.Write).
func TransactWrite(ctx context.Context, db DB, items []ddb.TransactWriteItem) error {
	return NewTx(items...).Write(ctx, db)
}

// WriteInSteps writes a change that may be too large for one transaction:
// units (each kept whole within one transaction) in order, packed into as
// few transactions as DynamoDB allows, and last in the final one. Each
// step must leave valid data, so a failure part-way is finished by doing
// the change again.
func WriteInSteps(ctx context.Context, db DB, units [][]ddb.TransactWriteItem, last *Tx) error {
	step := &Tx{}
	for _, u := range units {
		if len(u) > MaxTransactItems {
			return fmt.Errorf("a unit of %d items does not fit one transaction", len(u))
		}
		if step.Len()+len(u) > MaxTransactItems {
			if err := step.Write(ctx, db); err != nil {
				return err
			}
			step = &Tx{}
		}
		step.Add(u...)
	}
	if step.Len()+last.Len() > MaxTransactItems {
		if err := step.Write(ctx, db); err != nil {
			return err
		}
		step = &Tx{}
	}
	return step.Join(last).Write(ctx, db)
}

// Fitting returns the items of the leading units that fit in one
// transaction next to reserve other items, and how many units that is.
func Fitting(units [][]ddb.TransactWriteItem, reserve int) ([]ddb.TransactWriteItem, int) {
	var items []ddb.TransactWriteItem
	n := 0
	for _, u := range units {
		if len(items)+len(u)+reserve > MaxTransactItems {
			break
		}
		items = append(items, u...)
		n++
	}
	return items, n
}

// Transaction items on r's table. Expressions write attribute names as
// #name (many, like name and role, are reserved words): each #name maps to
// the attribute of that name. cond may be ""; values holds the values of
// the expressions.

// Put writes item (a struct with dynamodbav tags).
func (r Repo) Put(item any, cond string, values Item) ddb.TransactWriteItem {
	av, err := ddb.MarshalMap(item)
	if err != nil {
		panic(err) // item types are plain structs of strings, numbers and sets
	}
	return ddb.TransactWriteItem{Put: &ddb.Put{
		TableName: aws.String(r.Table), Item: av, ConditionExpression: expr(cond),
		ExpressionAttributeNames: AttrNames(cond), ExpressionAttributeValues: nonEmpty(values),
	}}
}

// Delete deletes the item at key.
func (r Repo) Delete(key Item, cond string, values Item) ddb.TransactWriteItem {
	return ddb.TransactWriteItem{Delete: &ddb.Delete{
		TableName: aws.String(r.Table), Key: key, ConditionExpression: expr(cond),
		ExpressionAttributeNames: AttrNames(cond), ExpressionAttributeValues: nonEmpty(values),
	}}
}

// Update updates the item at key.
func (r Repo) Update(key Item, update, cond string, values Item) ddb.TransactWriteItem {
	return ddb.TransactWriteItem{Update: &ddb.Update{
		TableName: aws.String(r.Table), Key: key, UpdateExpression: aws.String(update), ConditionExpression: expr(cond),
		ExpressionAttributeNames: AttrNames(update + " " + cond), ExpressionAttributeValues: nonEmpty(values),
	}}
}

// Check checks a condition on the item at key without writing it.
func (r Repo) Check(key Item, cond string, values Item) ddb.TransactWriteItem {
	return ddb.TransactWriteItem{ConditionCheck: &ddb.ConditionCheck{
		TableName: aws.String(r.Table), Key: key, ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: AttrNames(cond), ExpressionAttributeValues: nonEmpty(values),
	}}
}

// AttrNames maps each #name placeholder in expr to the attribute name (nil
// when there is none).
func AttrNames(expr string) map[string]string {
	var out map[string]string
	for _, f := range strings.FieldsFunc(expr, func(r rune) bool {
		return !(r == '#' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if strings.HasPrefix(f, "#") && len(f) > 1 {
			if out == nil {
				out = map[string]string{}
			}
			out[f] = f[1:]
		}
	}
	return out
}

func expr(e string) *string {
	if e == "" {
		return nil
	}
	return &e
}

func nonEmpty(values Item) Item {
	if len(values) == 0 {
		return nil
	}
	return values
}

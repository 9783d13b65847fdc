package cost

import (
	"math/big"
	"time"

	"sentinel/internal/dynamo/ddb"
)

// What a check reads (internal/permissions, lookup.go), counted by the
// permissions tests: the resource's record and, by key, the shares to the
// user and to each of their groups, all strongly consistent (a share or
// revocation holds for the next check), whether the share exists or not.
// RecordBytes and ShareBytes bound the items' sizes; TestItemSizesWithinTheCostModel
// (internal/permissions) checks real items against them.
const (
	RecordBytes = 1024
	ShareBytes  = 512
)

// RoundTrip is what the model takes a DynamoDB call to last in AWS, in the
// function's region: DynamoDB's "single-digit milliseconds", at its upper
// half. It is an assumption, not a measurement of this repository.
const RoundTrip = 5 * time.Millisecond

// LogBytes is what a check writes to CloudWatch Logs: the function's
// metrics line (EMF), for a service name of up to 64 characters
// (TestLogBytesBoundACheckLine). Lambda's START, END and REPORT lines
// (about 300 bytes more) are not written: the functions log at system
// log level WARN (infra/).
const LogBytes = 620

// CheckWorkloads are POST /permissions/check as single checks and in
// batches of 100, by a user in groups groups, on a function of memoryMB,
// with the CPU per warm request measured for each.
func CheckWorkloads(memoryMB, groups int, single, batch time.Duration) []Workload {
	shares := 1 + groups // the user's and each group's
	return []Workload{
		{Name: "single checks", Checks: 1, MemoryMB: memoryMB, CPU: single, RoundTrips: 1, RoundTrip: RoundTrip, LogBytes: LogBytes,
			Reads: []Read{{Items: 1, Bytes: RecordBytes, Consistent: true}, {Items: shares, Bytes: ShareBytes, Consistent: true}}},
		// 100 × (1 + shares) keys do not fit one call: the records first, then
		// (in parallel) the shares of the records that did not decide — all of
		// them at worst, as here.
		{Name: "batches of 100", Checks: 100, MemoryMB: memoryMB, CPU: batch, RoundTrips: 2, RoundTrip: RoundTrip, LogBytes: LogBytes,
			Reads: []Read{{Items: 100, Bytes: RecordBytes, Consistent: true}, {Items: 100 * shares, Bytes: ShareBytes, Consistent: true}}},
	}
}

// ItemSize is an item's size as DynamoDB counts it for capacity: each
// attribute's name and value (strings and binaries their bytes, numbers
// about one byte per two significant digits plus one, booleans and nulls
// one byte, lists and maps three bytes plus one per element and their
// elements).
func ItemSize(item map[string]ddb.AttributeValue) int {
	n := 0
	for name, v := range item {
		n += len(name) + valueSize(v)
	}
	return n
}

func valueSize(v ddb.AttributeValue) int {
	switch v := v.(type) {
	case *ddb.AttributeValueMemberS:
		return len(v.Value)
	case *ddb.AttributeValueMemberN:
		return numberSize(v.Value)
	case *ddb.AttributeValueMemberB:
		return len(v.Value)
	case *ddb.AttributeValueMemberBOOL, *ddb.AttributeValueMemberNULL:
		return 1
	case *ddb.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *ddb.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberSize(s)
		}
		return n
	case *ddb.AttributeValueMemberBS:
		n := 0
		for _, b := range v.Value {
			n += len(b)
		}
		return n
	case *ddb.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueSize(e)
		}
		return n
	case *ddb.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueSize(e)
		}
		return n
	}
	return 0
}

// numberSize is about one byte per two significant digits, plus one.
func numberSize(s string) int {
	f, ok := new(big.Float).SetString(s)
	if !ok {
		return len(s)
	}
	digits := len(f.Text('g', -1))
	return (digits+1)/2 + 1
}

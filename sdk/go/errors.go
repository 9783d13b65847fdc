package sentinel

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Error is an answer of the API that is not a success: its status, the
// detail the API gave, the request id to quote to the operator, and for a
// 429 or 503 how long the API asked the caller to wait.
type Error struct {
	Status     int
	Detail     string
	RequestID  string
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	return fmt.Sprintf("sentinel: %d %s: %s", e.Status, http.StatusText(e.Status), e.Detail)
}

// The kinds of Error, for errors.Is.
var (
	ErrBadRequest   = errors.New("sentinel: bad request")         // 400, 413, 422
	ErrUnauthorized = errors.New("sentinel: unauthorized")        // 401
	ErrForbidden    = errors.New("sentinel: forbidden")           // 403
	ErrNotFound     = errors.New("sentinel: not found")           // 404
	ErrConflict     = errors.New("sentinel: conflict")            // 409
	ErrRateLimited  = errors.New("sentinel: rate limited")        // 429
	ErrUnavailable  = errors.New("sentinel: service unavailable") // 503
)

// kinds maps statuses to their kind.
var kinds = map[int]error{
	http.StatusBadRequest: ErrBadRequest, http.StatusRequestEntityTooLarge: ErrBadRequest,
	http.StatusUnprocessableEntity: ErrBadRequest, http.StatusUnauthorized: ErrUnauthorized,
	http.StatusForbidden: ErrForbidden, http.StatusNotFound: ErrNotFound, http.StatusConflict: ErrConflict,
	http.StatusTooManyRequests: ErrRateLimited, http.StatusServiceUnavailable: ErrUnavailable,
}

// Is reports whether e is of the kind target.
func (e *Error) Is(target error) bool {
	kind, ok := kinds[e.Status]
	return ok && kind == target
}

// Package apperr is the one application error type: a code that maps to an
// HTTP status in one place, and a public message safe to show to a client.
// Internal causes are wrapped for logs and never reach the client.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error; each code maps to exactly one HTTP status.
type Code string

// The error codes. Their statuses are in Status.
const (
	BadRequest       Code = "bad_request"        // 400
	Unauthorized     Code = "unauthorized"       // 401
	Forbidden        Code = "forbidden"          // 403
	NotFound         Code = "not_found"          // 404
	MethodNotAllowed Code = "method_not_allowed" // 405
	Conflict         Code = "conflict"           // 409
	TooLarge         Code = "too_large"          // 413
	UnsupportedMedia Code = "unsupported_media"  // 415
	Invalid          Code = "invalid"            // 422
	RateLimited      Code = "rate_limited"       // 429
	Internal         Code = "internal"           // 500
	Unavailable      Code = "unavailable"        // 503
)

var statuses = map[Code]int{
	BadRequest: 400, Unauthorized: 401, Forbidden: 403, NotFound: 404,
	MethodNotAllowed: 405, Conflict: 409, TooLarge: 413, UnsupportedMedia: 415,
	Invalid: 422, RateLimited: 429, Internal: 500, Unavailable: 503,
}

// Error is an application error with a public message.
type Error struct {
	Code    Code
	Message string
	// RetryAfter, in seconds, is sent as Retry-After with RateLimited errors.
	RetryAfter int
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// New returns an error with a code and a public message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns a 422 naming a field and the rule it broke, as
// "service_name: must match ^...$".
func Field(field, rule string) *Error {
	return &Error{Code: Invalid, Message: field + ": " + rule}
}

// As returns the application error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// CodeOf returns err's code: Internal for errors that carry none.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Status returns the HTTP status of a code (500 for unknown codes).
func Status(code Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return 500
}

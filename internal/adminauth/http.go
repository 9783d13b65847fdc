package adminauth

import (
	"net/http"
	"slices"

	"sentinel/internal/apperr"
	"sentinel/internal/identity"
	"sentinel/internal/web"
)

// The HTTP layer: the admin_token cookie, the admin tier middleware and the
// sign-in routes. Decisions are the policy's (policy.go).

// CookieName is the admin session cookie.
const CookieName = "admin_token"

// cookie builds the admin_token cookie (value "" and MaxAge -1 clears it).
func (s *Service) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: value, Path: "/admin", MaxAge: maxAge, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode}
}

// requireXRW refuses writes without X-Requested-With (a cross-site form
// cannot set it, so it backs SameSite=Strict against CSRF).
func requireXRW(r *http.Request) error {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Header.Get("X-Requested-With") == "" {
		return apperr.New(apperr.Forbidden, "X-Requested-With header required")
	}
	return nil
}

// Require is the admin tier middleware: a full session.
func (s *Sessions) Require(next http.Handler) http.Handler { return s.RequireStep("")(next) }

// AnyStep is every step a session may be at ("" for a full session).
var AnyStep = []string{"", StepTOTP, StepChangePassword, StepEnrolTOTP}

// RequireStep is the admin tier middleware of the routes that sessions at
// the given sign-in steps may use ("" for a full session).
func (s *Sessions) RequireStep(steps ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return s.require(steps, next) }
}

func (s *Sessions) require(steps []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" {
			web.Error(w, r, errNoSession)
			return
		}
		a, err := s.Authenticate(r.Context(), c.Value)
		if err != nil {
			web.Error(w, r, err)
			return
		}
		if err := requireXRW(r); err != nil {
			web.Error(w, r, err)
			return
		}
		if !slices.Contains(steps, a.Step) {
			web.Error(w, r, apperr.New(apperr.Forbidden, "Finish signing in first (next step: %s)", a.Step))
			return
		}
		next.ServeHTTP(w, r.WithContext(identity.WithAdmin(r.Context(), a)))
	})
}

// RequireXRW guards the sign-in route, which has no session yet.
func RequireXRW(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := requireXRW(r); err != nil {
			web.Error(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// LoginInput is the body of POST /admin/auth/login.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Me is the signed-in admin. NextStep, when present, is the sign-in step
// still to take: totp, change_password or enrol_totp (the session opens
// only that step's routes, /admin/auth/me and logout).
type Me struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	TOTPEnabled bool   `json:"totp_enabled"`
	NextStep    string `json:"next_step,omitempty"`
}

// LoginHandler serves POST /admin/auth/login.
func (s *Service) LoginHandler(r *http.Request) (int, any, error) {
	var in LoginInput
	if err := web.Decode(r, &in); err != nil {
		return 0, nil, err
	}
	tok, a, err := s.Login(r.Context(), in.Email, in.Password, web.ClientIP(r))
	if err != nil {
		return 0, nil, err
	}
	return s.session(r, tok, a, false)
}

// session sets the cookie of a's new session token and answers who is
// signed in and the step left (totpDone: as nextStep).
func (s *Service) session(r *http.Request, tok string, a account, totpDone bool) (int, any, error) {
	step := s.nextStep(a, totpDone)
	ttl := TokenTTL
	if step != "" {
		ttl = StepTTL
	}
	web.SetCookie(r, s.cookie(tok, int(ttl.Seconds())))
	return 200, Me{ID: a.ID, Email: a.Email, Name: a.Name, TOTPEnabled: a.TOTPSecret != "", NextStep: step}, nil
}

// LogoutHandler serves POST /admin/auth/logout.
func (s *Service) LogoutHandler(r *http.Request) (int, any, error) {
	a, _ := identity.AdminFrom(r.Context())
	if err := s.Logout(r.Context(), a); err != nil {
		return 0, nil, err
	}
	web.SetCookie(r, s.cookie("", -1))
	return 200, map[string]string{"status": "ok"}, nil
}

// MeHandler serves GET /admin/auth/me.
func (s *Service) MeHandler(r *http.Request) (int, any, error) {
	me, _ := identity.AdminFrom(r.Context())
	a, found, err := s.accounts.get(r.Context(), normalize(me.Email))
	if err != nil {
		return 0, nil, err
	}
	if !found {
		return 0, nil, errNoSession
	}
	return 200, Me{ID: a.ID, Email: a.Email, Name: a.Name, TOTPEnabled: a.TOTPSecret != "", NextStep: me.Step}, nil
}

package adminauth

import (
	"net/http"

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

// Require is the admin tier middleware.
func (s *Sessions) Require(next http.Handler) http.Handler {
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

// Me is the signed-in admin.
type Me struct {
	ID    string `json:"id"`
	Email string `json:"email"`
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
	web.SetCookie(r, s.cookie(tok, int(TokenTTL.Seconds())))
	return 200, Me{ID: a.ID, Email: a.Email}, nil
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
	a, _ := identity.AdminFrom(r.Context())
	return 200, Me{ID: a.ID, Email: a.Email}, nil
}

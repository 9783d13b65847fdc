// Package adminauth is admin sign-in (api.md section 8, first paragraph):
// local accounts with bcrypt hashes, a short-lived admin_token cookie whose
// logout revokes its jti, X-Requested-With on writes, and the lockout rules.
//
// It has three layers, one file each:
//   - accounts.go, the account store: admin accounts and revoked sessions
//     in the Admins table (DynamoDB items, nothing else);
//   - policy.go, the sign-in policy: password and email rules, lockouts,
//     session tokens, the audit entries — the Service;
//   - http.go, the HTTP layer: the cookie, the admin tier middleware and the
//     sign-in routes.
package adminauth

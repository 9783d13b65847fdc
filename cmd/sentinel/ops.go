package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"sentinel/internal/app"
	"sentinel/internal/apperr"
	"sentinel/internal/awsenv"
	"sentinel/internal/awsjson"
	"sentinel/internal/budget"
	"sentinel/internal/config"
	"sentinel/internal/devidp"
	"sentinel/internal/devstack"
	"sentinel/internal/directory"
	"sentinel/internal/dynamo"
	"sentinel/internal/dynamo/tableadmin"
	"sentinel/internal/token"
	"sentinel/internal/wire/adminwire"
	"sentinel/internal/wire/directorywire"
)

func init() {
	register(command{name: "admin", usage: "admin create --email E [--password P] [--reactivate]: create an admin, or reset its password and end its sessions; admin deactivate --email E (local or deployed tables)", run: adminCmd})
	register(command{name: "dev-token", usage: "dev-token --user ID|EMAIL --workspace ID|SLUG [--ttl D]: print a member's access token (role and groups from the local directory) signed with the local dev key", run: devTokenCmd})
	register(command{name: "dev-idp-token", usage: "dev-idp-token --email E [--name N] [--audience CLIENT_ID] [--nonce N]: print an ID token of the local dev IdP (provider \"dev\") for POST /authz/resolve", run: devIdPTokenCmd})
}

// target is where an operator command writes: the deployed tables named by
// SENTINEL_TABLE_* (with the operator's AWS credentials), else the running
// local stack's DynamoDB Local.
func target(ctx context.Context, command string, tables ...dynamo.Table) (*app.Env, error) {
	if os.Getenv(tables[0].EnvVar()) != "" {
		cfg, err := config.FromEnv(0)
		if err != nil {
			return nil, err
		}
		names, err := dynamo.NamesFromEnv(tables)
		if err != nil {
			return nil, err
		}
		opCfg, err := operatorAWS(ctx)
		if err != nil {
			return nil, err
		}
		// The functions' client, with the operator's credentials.
		db := dynamo.NewWireClient(awsjson.Options{Region: opCfg.Region, Credentials: opCfg.Credentials,
			Endpoint: aws.ToString(awsenv.Endpoint(os.Getenv, "DYNAMODB"))})
		return app.NewEnv(ctx, command, cfg, db, names, 0), nil
	}
	local, err := devstack.FromEnv()
	if err != nil {
		return nil, err
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", local.DynamoDBPort)
	if _, err := tableadmin.LocalClient(endpoint).ListTables(ctx, nil); err != nil {
		return nil, fmt.Errorf("the local stack's DynamoDB Local does not answer on %s: start `make dev` first (or set %s to write to deployed tables)", endpoint, tables[0].EnvVar())
	}
	cfg, err := config.LocalFromEnv(0)
	if err != nil {
		return nil, err
	}
	names := dynamo.Names{}
	for _, t := range tables {
		names[t.ID] = dynamo.LocalNames(devstack.TablePrefix).Name(t)
	}
	return app.NewEnv(ctx, command, cfg, dynamo.LocalWireClient(endpoint, awsjson.Options{}), names, 0), nil
}

// operatorAWS is the AWS configuration of the operator running a command:
// the SDK's default chain (environment, profiles, SSO, ...), unlike the
// functions, which read their role's credentials from Lambda's environment.
func operatorAWS(ctx context.Context) (aws.Config, error) {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load aws config: %w", err)
	}
	budget.Configure(&cfg)
	return cfg, nil
}

func adminCmd(ctx context.Context, args []string) error {
	const usage = "usage: sentinel admin create --email E [--password P] [--reactivate] (the password is read from stdin when omitted)\n" +
		"       sentinel admin deactivate --email E"
	if len(args) == 0 || (args[0] != "create" && args[0] != "deactivate") {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	email := fs.String("email", "", "admin email")
	password, reactivate := new(string), new(bool)
	if args[0] == "create" {
		password = fs.String("password", "", "password (at least 12 characters); read from stdin when omitted")
		reactivate = fs.Bool("reactivate", false, "reactivate the admin if it was deactivated")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	if args[0] == "create" && *password == "" {
		fmt.Fprint(os.Stderr, "Password: ")
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password: %w", err)
		}
		*password = strings.TrimRight(line, "\r\n")
	}
	e, err := target(ctx, "sentinel admin "+args[0], dynamo.Admins, dynamo.Activity)
	if err != nil {
		return err
	}
	admins, err := adminwire.Accounts.Get(e)
	if err != nil {
		return err
	}
	if args[0] == "deactivate" {
		if err := admins.Deactivate(ctx, *email); err != nil {
			return err
		}
		fmt.Printf("Admin %s deactivated: every session ended\n", *email)
		return nil
	}
	ensure := admins.Ensure
	if *reactivate {
		ensure = admins.Reactivate
	}
	created, err := ensure(ctx, *email, *password)
	if err != nil {
		return err
	}
	if created {
		fmt.Printf("Created admin %s\n", *email)
	} else {
		fmt.Printf("Admin %s exists: password reset, every session ended\n", *email)
	}
	return nil
}

// localRing is the local stack's user-token ring and issuer.
func localRing(ctx context.Context) (*token.Ring, error) {
	local, err := devstack.FromEnv()
	if err != nil {
		return nil, err
	}
	return token.LocalKeystore(local.SigningKeyDir()).Private(ctx, token.UserRing, local.APIURL())
}

func devTokenCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dev-token", flag.ContinueOnError)
	user := fs.String("user", "", "user id or email (the token's sub)")
	workspace := fs.String("workspace", "", "workspace id or slug (the token's wid)")
	ttl := fs.Duration("ttl", time.Hour, "lifetime")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" || *workspace == "" {
		return errors.New("--user and --workspace are required")
	}
	e, err := target(ctx, "sentinel dev-token", dynamo.Directory)
	if err != nil {
		return err
	}
	dir, err := directorywire.Reader.Get(e)
	if err != nil {
		return err
	}
	claims, err := memberClaims(ctx, dir, *user, *workspace)
	if err != nil {
		return err
	}
	ring, err := localRing(ctx)
	if err != nil {
		return err
	}
	tok, err := ring.Sign(claims, time.Now(), *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

// memberClaims are the access token claims of a member as the directory
// holds them: the user by id or email, the workspace by id or slug, and
// the membership's role and groups.
func memberClaims(ctx context.Context, dir *directory.Store, user, workspace string) (token.Claims, error) {
	var u directory.User
	var err error
	found := true
	if strings.Contains(user, "@") {
		u, found, err = dir.FindByEmail(ctx, user)
	} else if u, err = dir.GetUser(ctx, user); apperr.Is(err, apperr.NotFound) {
		found, err = false, nil
	}
	if err != nil {
		return token.Claims{}, err
	}
	if !found {
		return token.Claims{}, fmt.Errorf("no user with id or email %q", user)
	}
	if !u.IsActive {
		return token.Claims{}, fmt.Errorf("user %s is deactivated: the dual tier would refuse the token", u.Email)
	}
	w, err := dir.GetWorkspace(ctx, workspace)
	if apperr.Is(err, apperr.NotFound) {
		w, found, err = dir.WorkspaceBySlug(ctx, workspace)
	}
	if err != nil {
		return token.Claims{}, err
	}
	if !found {
		return token.Claims{}, fmt.Errorf("no workspace with id or slug %q", workspace)
	}
	m, found, err := dir.Membership(ctx, w.ID, u.ID)
	if err != nil {
		return token.Claims{}, err
	}
	if !found {
		return token.Claims{}, fmt.Errorf("%s is not a member of workspace %s (add them: POST /admin/workspaces/%s/members)", u.Email, w.Slug, w.ID)
	}
	return token.Access(u.ID, w.ID, w.Slug, m.Role, m.Groups), nil
}

// devIdPTokenCmd signs an ID token with the local dev IdP's key (in the
// state directory, shared with `make dev`), as if the user had signed in
// there. Local only: no deployed stack trusts the dev IdP.
func devIdPTokenCmd(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("dev-idp-token", flag.ContinueOnError)
	email := fs.String("email", "", "the user's email (the token says the IdP verified it)")
	name := fs.String("name", "", "the user's display name (default: none; Sentinel then uses the email's local part)")
	ttl := fs.Duration("ttl", time.Hour, "lifetime")
	audience := fs.String("audience", devidp.Audience, "the aud: the client id of the frontend the user signed in to (a service app's idp_client_ids)")
	nonce := fs.String("nonce", "", "the nonce claim (default: none), as a frontend's sign-in request would set it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*audience) == "" {
		return errors.New("--audience must not be empty")
	}
	if at := strings.LastIndexByte(*email, '@'); at < 1 || at == len(*email)-1 {
		return errors.New("--email is required (an email address)")
	}
	if *ttl <= 0 {
		return errors.New("--ttl must be positive")
	}
	local, err := devstack.FromEnv()
	if err != nil {
		return err
	}
	issuer, err := devidp.Load(local.StateDir, local.IdPURL())
	if err != nil {
		return err
	}
	tok, err := issuer.IDToken(*email, *name, *audience, *nonce, time.Now(), *ttl)
	if err != nil {
		return err
	}
	fmt.Println(tok)
	return nil
}

package identity

import (
	"context"
	"testing"
)

func TestActorFrom(t *testing.T) {
	admin := &Admin{ID: "a1", Email: "root@example.com"}
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"nobody", context.Background(), ""},
		{"an admin", WithAdmin(context.Background(), admin), "root@example.com"},
		{"an actor", WithActor(context.Background(), "authz:docs"), "authz:docs"},
		{"an admin wins over an actor", WithActor(WithAdmin(context.Background(), admin), "authz:docs"), "root@example.com"},
	}
	for _, tt := range tests {
		if got := ActorFrom(tt.ctx); got != tt.want {
			t.Errorf("%s: ActorFrom = %q, want %q", tt.name, got, tt.want)
		}
	}
}

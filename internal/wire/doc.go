// Package wire holds, one package per area, the services functions build
// at cold start (app.Service values) and the auth tiers' guards: the
// area's store in each shape a function needs it (with or without the
// activity log and its peers), its handler sets, and how its peers are
// reached. A route names the services it uses; its function builds those
// and nothing else, and fails its cold start when a table, the keys or a
// peer is missing.
package wire

package serviceapps

import (
	"cmp"
	"slices"
	"strings"
)

// Search answers the apps q finds, with the directory's search semantics
// (api.md section 10): first the exact match (an app id or service name),
// then the apps whose lower-cased, trimmed name begins with q, in name
// order, then those whose service name begins with it, in service name
// order; an app matching several ways appears once. An empty q answers
// every app, oldest first, as the list does.
//
// The list is not paged: List reads every app (one by-kind index Query per
// MB, never a Scan), and Search filters what it read, so no search index
// is needed.
func Search(apps []App, q string) []App {
	term := strings.ToLower(strings.TrimSpace(q))
	if term == "" {
		return apps
	}
	var exact, byName, byService []App
	for _, a := range apps {
		switch {
		case a.ID == strings.TrimSpace(q) || strings.ToLower(a.ServiceName) == term:
			exact = append(exact, a)
		case strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Name)), term):
			byName = append(byName, a)
		case strings.HasPrefix(strings.ToLower(a.ServiceName), term):
			byService = append(byService, a)
		}
	}
	slices.SortStableFunc(byName, func(x, y App) int {
		return cmp.Compare(strings.ToLower(strings.TrimSpace(x.Name)), strings.ToLower(strings.TrimSpace(y.Name)))
	})
	slices.SortStableFunc(byService, func(x, y App) int { return cmp.Compare(x.ServiceName, y.ServiceName) })
	out := make([]App, 0, len(exact)+len(byName)+len(byService))
	return append(append(append(out, exact...), byName...), byService...)
}

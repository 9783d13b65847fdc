// Package activitywire builds the activity log.
package activitywire

import (
	"sentinel/internal/activity"
	"sentinel/internal/app"
	"sentinel/internal/dynamo"
)

// Log is the activity log, for functions that record admin changes or
// list them: it needs the Activity table.
var Log = &app.Service[*activity.Log]{Name: "activity log", Build: func(e *app.Env) (*activity.Log, error) {
	table, err := e.Table(dynamo.Activity)
	if err != nil {
		return nil, err
	}
	return activity.New(e.DB, table, e.Now), nil
}}

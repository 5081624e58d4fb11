package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/berth-dev/berth/internal/service"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// ValidateAccountArgs re-validates one cloud account, refreshing its token when it is due.
type ValidateAccountArgs struct {
	OrgID     string `json:"org_id"`
	AccountID string `json:"account_id"`
}

// Kind names the job in River's table.
func (ValidateAccountArgs) Kind() string { return "validate_account" }

// InsertOpts makes the job unique per account while one is waiting or running.
func (ValidateAccountArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: whileUnfinished}
}

// whileUnfinished makes a job unique by its arguments among jobs not yet finished, so the same
// work can be queued again once the last one completed (River's default counts completed jobs).
var whileUnfinished = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}}

// ValidateAccountWorker runs ValidateAccountArgs.
type ValidateAccountWorker struct {
	river.WorkerDefaults[ValidateAccountArgs]
	Services *service.Services
	Logger   *slog.Logger
}

// Work validates the account. A refused token is recorded by the service and ends the job;
// DigitalOcean being unreachable or rate limiting returns an error, so River retries with backoff.
func (w *ValidateAccountWorker) Work(ctx context.Context, job *river.Job[ValidateAccountArgs]) error {
	_, err := w.Services.ValidateAccountAsSystem(ctx, job.Args.OrgID, job.Args.AccountID)
	var p *service.Problem
	if errors.As(err, &p) {
		w.Logger.WarnContext(ctx, "validate cloud account", "account_id", job.Args.AccountID, "problem", p.Code, "attempt", job.Attempt)
	}
	return err
}

// ScheduleDueArgs finds every account due a refresh or a validation and enqueues one
// ValidateAccountArgs for each.
type ScheduleDueArgs struct{}

// Kind names the job in River's table.
func (ScheduleDueArgs) Kind() string { return "schedule_due_accounts" }

// scheduleBatch bounds one scheduling run; what is left is found by the next run.
const scheduleBatch = 10000

// ScheduleDueWorker runs ScheduleDueArgs; it is generic over River's transaction type so that
// it can reach its own client from the job's context.
type ScheduleDueWorker[TTx any] struct {
	river.WorkerDefaults[ScheduleDueArgs]
	Services *service.Services
	Logger   *slog.Logger
}

// Work enqueues the due accounts; uniqueness keeps an account from being queued twice.
func (w *ScheduleDueWorker[TTx]) Work(ctx context.Context, _ *river.Job[ScheduleDueArgs]) error {
	due, err := w.Services.DueAccounts(ctx, scheduleBatch)
	if err != nil || len(due) == 0 {
		return err
	}
	args := make([]river.JobArgs, 0, len(due))
	for _, a := range due {
		args = append(args, ValidateAccountArgs{OrgID: a.OrgID, AccountID: a.ID})
	}
	if err := insertAll[TTx](ctx, args); err != nil {
		return fmt.Errorf("schedule due accounts: %w", err)
	}
	w.Logger.InfoContext(ctx, "scheduled cloud account validations", "count", len(due))
	return nil
}

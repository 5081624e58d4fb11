// Package jobs holds Berth's River job arguments and workers; workers call the services.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-dev/berth/internal/service"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
)

// PurgeExpiredArgs deletes expired sessions and OAuth states.
type PurgeExpiredArgs struct{}

// Kind names the job in River's table.
func (PurgeExpiredArgs) Kind() string { return "purge_expired" }

// PurgeExpiredWorker runs PurgeExpiredArgs.
type PurgeExpiredWorker struct {
	river.WorkerDefaults[PurgeExpiredArgs]
	Services *service.Services
	Logger   *slog.Logger
}

// Work purges what has expired.
func (w *PurgeExpiredWorker) Work(ctx context.Context, _ *river.Job[PurgeExpiredArgs]) error {
	n, err := w.Services.PurgeExpired(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.Logger.InfoContext(ctx, "purged expired sessions and OAuth states", "count", n)
	}
	return nil
}

// Queue is the running job queue.
type Queue interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
}

// Options configure the queue.
type Options struct {
	Services *service.Services
	Logger   *slog.Logger
	// PurgeEvery is how often expired sessions and OAuth states are deleted (default 1h).
	PurgeEvery time.Duration
	// ScheduleEvery is how often accounts due a refresh or a validation are looked for (default 5m).
	ScheduleEvery time.Duration
	// DispatchEvery is how often pending webhook deliveries are queued (default 2s).
	DispatchEvery time.Duration
	// RescueAfter is how long a job left running by a dead process waits before it is run
	// again (default 5m). Jobs time out after a minute, or RescueAfter if that is shorter.
	RescueAfter time.Duration
}

// NewQueue builds a River client on driver with Berth's workers and periodic jobs.
func NewQueue[TTx any](driver riverdriver.Driver[TTx], o Options) (Queue, error) {
	if o.PurgeEvery == 0 {
		o.PurgeEvery = time.Hour
	}
	if o.ScheduleEvery == 0 {
		o.ScheduleEvery = 5 * time.Minute
	}
	if o.DispatchEvery == 0 {
		o.DispatchEvery = 2 * time.Second
	}
	if o.RescueAfter == 0 {
		o.RescueAfter = 5 * time.Minute
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &PurgeExpiredWorker{Services: o.Services, Logger: o.Logger})
	river.AddWorker(workers, &ValidateAccountWorker{Services: o.Services, Logger: o.Logger})
	river.AddWorker(workers, &ScheduleDueWorker[TTx]{Services: o.Services, Logger: o.Logger})
	river.AddWorker(workers, &DeliverWebhookWorker{Services: o.Services})
	river.AddWorker(workers, &DispatchDeliveriesWorker[TTx]{Services: o.Services, Logger: o.Logger})
	client, err := river.NewClient(driver, &river.Config{
		Logger:               o.Logger,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}},
		Workers:              workers,
		JobTimeout:           min(time.Minute, o.RescueAfter),
		RescueStuckJobsAfter: o.RescueAfter,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(o.PurgeEvery),
				func() (river.JobArgs, *river.InsertOpts) { return PurgeExpiredArgs{}, nil },
				&river.PeriodicJobOpts{ID: "purge_expired", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(o.ScheduleEvery),
				func() (river.JobArgs, *river.InsertOpts) { return ScheduleDueArgs{}, nil },
				&river.PeriodicJobOpts{ID: "schedule_due_accounts", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(o.DispatchEvery),
				func() (river.JobArgs, *river.InsertOpts) { return DispatchDeliveriesArgs{}, nil },
				&river.PeriodicJobOpts{ID: "dispatch_webhook_deliveries", RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("build job queue: %w", err)
	}
	return client, nil
}

// insertAll inserts jobs through the River client running the current job; each job's own
// InsertOpts (uniqueness) apply.
func insertAll[TTx any](ctx context.Context, args []river.JobArgs) error {
	client, err := river.ClientFromContextSafely[TTx](ctx)
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, 0, len(args))
	for _, a := range args {
		params = append(params, river.InsertManyParams{Args: a})
	}
	_, err = client.InsertMany(ctx, params)
	return err
}

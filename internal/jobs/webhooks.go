package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/berth-dev/berth/internal/service"
	"github.com/riverqueue/river"
)

// DeliverWebhookArgs sends one webhook delivery.
type DeliverWebhookArgs struct {
	DeliveryID string `json:"delivery_id"`
}

// Kind names the job in River's table.
func (DeliverWebhookArgs) Kind() string { return "deliver_webhook" }

// InsertOpts retries a delivery with River's backoff for about an hour and a half, and keeps
// one job per delivery while it is unfinished.
func (DeliverWebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 8, UniqueOpts: whileUnfinished}
}

// DeliverWebhookWorker runs DeliverWebhookArgs.
type DeliverWebhookWorker struct {
	river.WorkerDefaults[DeliverWebhookArgs]
	Services *service.Services
}

// Work sends the delivery; a failure returns an error so River retries, until the last attempt
// marks the delivery failed.
func (w *DeliverWebhookWorker) Work(ctx context.Context, job *river.Job[DeliverWebhookArgs]) error {
	return w.Services.Deliver(ctx, job.Args.DeliveryID, job.Attempt >= job.MaxAttempts)
}

// DispatchDeliveriesArgs finds pending deliveries (new ones, redeliveries, and any whose job a
// crash lost) and queues a DeliverWebhookArgs for each.
type DispatchDeliveriesArgs struct{}

// Kind names the job in River's table.
func (DispatchDeliveriesArgs) Kind() string { return "dispatch_webhook_deliveries" }

// dispatchBatch bounds one dispatch run.
const dispatchBatch = 1000

// DispatchDeliveriesWorker runs DispatchDeliveriesArgs.
type DispatchDeliveriesWorker[TTx any] struct {
	river.WorkerDefaults[DispatchDeliveriesArgs]
	Services *service.Services
	Logger   *slog.Logger
}

// Work queues the pending deliveries; uniqueness skips those whose job is still unfinished.
func (w *DispatchDeliveriesWorker[TTx]) Work(ctx context.Context, _ *river.Job[DispatchDeliveriesArgs]) error {
	pending, err := w.Services.PendingDeliveries(ctx, dispatchBatch)
	if err != nil || len(pending) == 0 {
		return err
	}
	args := make([]river.JobArgs, 0, len(pending))
	for _, d := range pending {
		args = append(args, DeliverWebhookArgs{DeliveryID: d.ID})
	}
	if err := insertAll[TTx](ctx, args); err != nil {
		return fmt.Errorf("dispatch deliveries: %w", err)
	}
	return nil
}

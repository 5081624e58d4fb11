package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/berth-dev/berth/internal/app"
	"github.com/berth-dev/berth/internal/config"
	"github.com/spf13/cobra"
)

func serveCmd(cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the web UI, the REST API and the job workers",
		Long: "Serve the web UI, the REST API under /api/v1, /healthz and the job workers.\n" +
			"With no BERTH_DO_CLIENT_ID it runs in sandbox mode against the built-in DigitalOcean simulator.",
		RunE: func(cmd *cobra.Command, _ []string) error { return Serve(cmd.Context(), cfg, cmd) },
	}
	cmd.Flags().StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (BERTH_ADDR)")
	cmd.Flags().StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "URL people reach Berth at (BERTH_PUBLIC_URL)")
	storeFlags(cmd, cfg)
	return cmd
}

// Serve runs Berth until ctx ends.
func Serve(ctx context.Context, cfg *config.Config, cmd *cobra.Command) error {
	log := newLogger(cmd.ErrOrStderr(), cfg.LogLevel)
	a, err := app.New(ctx, *cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (BERTH_ADDR): %w", cfg.Addr, err)
	}
	return a.Serve(ctx, ln)
}

func migrateCmd(cfg *config.Config) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply pending database migrations and exit (serve also does this at start)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := newLogger(cmd.ErrOrStderr(), cfg.LogLevel)
			if err := app.Migrate(cmd.Context(), *cfg, log); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "migrations applied")
			return nil
		},
	}
	storeFlags(cmd, cfg)
	return cmd
}

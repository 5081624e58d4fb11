// Package cli defines Berth's cobra commands, each a func(ctx, *config.Config) error at heart.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/berth-dev/berth/internal/config"
	"github.com/spf13/cobra"
)

// Root returns the berth command with its subcommands; out and errOut receive their output.
func Root(out, errOut io.Writer) *cobra.Command {
	cfg, envErr := config.FromOS()
	root := &cobra.Command{
		Use:           "berth",
		Short:         "Connect your organization's DigitalOcean accounts and put them to work",
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			return envErr
		},
	}
	root.SetOut(out)
	root.SetErr(errOut)
	root.PersistentFlags().StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (BERTH_LOG_LEVEL)")
	root.AddCommand(serveCmd(&cfg), migrateCmd(&cfg), bootstrapCmd(&cfg), simCmd(&cfg))
	return root
}

// storeFlags adds the flags that select the store.
func storeFlags(cmd *cobra.Command, cfg *config.Config) {
	cmd.Flags().StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory of the embedded SQLite store (BERTH_DATA_DIR)")
	cmd.Flags().StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// URL; empty means SQLite (BERTH_DATABASE_URL)")
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// Main runs the berth command with the process's arguments and returns its exit code.
func Main(ctx context.Context) int {
	root := Root(os.Stdout, os.Stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "berth: "+strings.TrimSpace(err.Error()))
		return 1
	}
	return 0
}

package cli

import (
	"fmt"

	"github.com/berth-dev/berth/internal/app"
	"github.com/berth-dev/berth/internal/config"
	"github.com/berth-dev/berth/internal/service"
	"github.com/spf13/cobra"
)

func bootstrapCmd(cfg *config.Config) *cobra.Command {
	var p service.BootstrapParams
	cmd := &cobra.Command{
		Use:   "bootstrap --email E --password P --org O",
		Short: "Create a user and organization if missing and print a new API key (the last line)",
		RunE: func(cmd *cobra.Command, _ []string) error {
			log := newLogger(cmd.ErrOrStderr(), cfg.LogLevel)
			a, err := app.New(cmd.Context(), *cfg, log)
			if err != nil {
				return err
			}
			defer a.Close()
			key, err := a.Services().Bootstrap(cmd.Context(), p)
			if err != nil {
				return fmt.Errorf("bootstrap: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "organization %q is ready; API key %q created\n%s\n", p.OrganizationName, key.Key.Name, key.Secret)
			return nil
		},
	}
	cmd.Flags().StringVar(&p.Email, "email", "", "the user's email (required)")
	cmd.Flags().StringVar(&p.Password, "password", "", "the user's password, at least 10 characters (required)")
	cmd.Flags().StringVar(&p.OrganizationName, "org", "", "the organization's name (required)")
	for _, f := range []string{"email", "password", "org"} {
		_ = cmd.MarkFlagRequired(f)
	}
	storeFlags(cmd, cfg)
	return cmd
}

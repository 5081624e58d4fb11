package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/berth-dev/berth/dosim"
	"github.com/berth-dev/berth/dosim/spaces"
	"github.com/berth-dev/berth/internal/config"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
)

// simFlags are `berth sim`'s settings.
type simFlags struct {
	addr       string
	spacesAddr string
	baseURL    string
	clients    []string
	tokens     []string
	seed       bool
	sim        dosim.Options // the tunable behaviour: latency, limits, droplet boot time
}

func simCmd(cfg *config.Config) *cobra.Command {
	f := simFlags{addr: "127.0.0.1:8090", spacesAddr: "127.0.0.1:8091", seed: true}
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the DigitalOcean simulator alone, for testing any DigitalOcean integration",
		Long: "Run Berth's DigitalOcean simulator: OAuth at /v1/oauth/* and the API at /v2/*, with\n" +
			"DigitalOcean's JSON, errors, pagination and rate-limit headers. Point godo at it with\n" +
			"godo.SetBaseURL(\"http://ADDR\") and OAuth clients at http://ADDR/v1/oauth/authorize and /token.\n" +
			"Spaces (S3, path-style, SigV4 with keys made by POST /v2/spaces/keys) listens on --spaces-addr.",
		RunE: func(cmd *cobra.Command, _ []string) error { return runSim(cmd.Context(), cmd, cfg, f) },
	}
	cmd.Flags().StringVar(&f.addr, "addr", f.addr, "listen address of the API and OAuth endpoints")
	cmd.Flags().StringVar(&f.spacesAddr, "spaces-addr", f.spacesAddr, "listen address of the Spaces (S3) endpoint")
	cmd.Flags().StringVar(&f.baseURL, "base-url", "", "URL clients reach the simulator at, for links (default http://ADDR)")
	cmd.Flags().StringArrayVar(&f.clients, "oauth-client", nil, "register an OAuth application as ID:SECRET:REDIRECT_URI (repeatable)")
	cmd.Flags().StringArrayVar(&f.tokens, "token", nil, "seed a personal access token dop_v1_... with read and write scopes for the first team (repeatable)")
	cmd.Flags().BoolVar(&f.seed, "seed", f.seed, "start with sample people, teams, droplets and domains")
	cmd.Flags().DurationVar(&f.sim.Latency, "latency", 0, "added to every API request, e.g. 50ms")
	cmd.Flags().IntVar(&f.sim.RateLimitPerMinute, "rate-limit-per-minute", dosim.DefaultRateLimitPerMinute, "API requests a token may make per minute")
	cmd.Flags().IntVar(&f.sim.RateLimitPerHour, "rate-limit-per-hour", dosim.DefaultRateLimitPerHour, "API requests a token may make per hour")
	cmd.Flags().DurationVar(&f.sim.DropletActiveAfter, "droplet-active-after", dosim.DefaultDropletActiveAfter, "how long a new Droplet stays new before it is active")
	cmd.Flags().DurationVar(&f.sim.FreshDropletNotFound, "fresh-droplet-404", 0, "a new Droplet answers 404 for this long, as DigitalOcean's sometimes do")
	cmd.Flags().BoolVar(&f.sim.Admin, "admin", false, "serve the fault controls under /_admin/ (expire or revoke tokens, fail the token endpoint, 429 bursts, 5xx rate, latency, locked accounts)")
	return cmd
}

func runSim(ctx context.Context, cmd *cobra.Command, cfg *config.Config, f simFlags) error {
	log := newLogger(cmd.ErrOrStderr(), cfg.LogLevel)
	opts := f.sim
	opts.BaseURL, opts.Logger, opts.Seed = strings.TrimRight(f.baseURL, "/"), log, f.seed
	for _, v := range f.clients {
		c, err := dosim.ParseClientFlag(v)
		if err != nil {
			return fmt.Errorf("--oauth-client: %w", err)
		}
		opts.Clients = append(opts.Clients, c)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return fmt.Errorf("listen on %s (--addr): %w", f.addr, err)
	}
	spacesLn, err := net.Listen("tcp", f.spacesAddr)
	if err != nil {
		ln.Close()
		return fmt.Errorf("listen on %s (--spaces-addr): %w", f.spacesAddr, err)
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://" + ln.Addr().String()
	}
	sim := dosim.New(opts)
	if err := seedTokens(sim, f.tokens); err != nil {
		ln.Close()
		spacesLn.Close()
		return err
	}
	s3 := spaces.New(spaces.FromSimulator(sim), spaces.Options{Logger: log})
	log.Info("DigitalOcean simulator serving", "api", opts.BaseURL+"/v2", "oauth", opts.BaseURL+"/v1/oauth",
		"spaces", "http://"+spacesLn.Addr().String(), "clients", len(opts.Clients))
	g, ctx := errgroup.WithContext(ctx) // one server failing stops the other
	g.Go(func() error { return serveUntilDone(ctx, spacesLn, s3) })
	g.Go(func() error { return serveUntilDone(ctx, ln, sim) })
	return g.Wait()
}

// seedTokens gives each --token to the first team's first member, with read and write scopes.
func seedTokens(sim *dosim.Server, tokens []string) error {
	if len(tokens) == 0 {
		return nil
	}
	teams := sim.Teams()
	if len(teams) == 0 {
		return errors.New("--token needs a team to belong to: run with --seed")
	}
	members := sim.Members(teams[0].UUID)
	if len(members) == 0 {
		return fmt.Errorf("--token: team %q has no members", teams[0].Name)
	}
	for _, t := range tokens {
		if err := sim.AddPersonalToken(t, teams[0].UUID, members[0].UUID, []string{"read", "write"}); err != nil {
			return fmt.Errorf("--token: %w", err)
		}
	}
	return nil
}

func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

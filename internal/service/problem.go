package service

// Problem is a failure a person must understand: what happened and what to do next.
// Code is stable for programs; Title and Detail are for people and never carry a secret.
type Problem struct {
	Code   string
	Title  string
	Detail string
	Err    error // the cause, for logs; never shown
}

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

func (p *Problem) Unwrap() error { return p.Err }

// Problem codes.
const (
	CodeAuthorizationDenied  = "authorization_denied"
	CodeAuthorizationExpired = "authorization_expired"
	CodeAuthorizationInvalid = "authorization_invalid"
	CodeAuthorizationFailed  = "authorization_failed"
	CodeTokenExchangeFailed  = "token_exchange_failed"
	CodeProviderUnreachable  = "provider_unreachable"
	CodeTokenRejected        = "token_rejected"
	CodeTokensExpired        = "tokens_expired"
	CodeInsufficientScope    = "insufficient_permissions"
	CodeProviderRateLimited  = "provider_rate_limited"
	CodeProviderRefused      = "provider_refused"
	CodeWrongSessionForOAuth = "authorization_other_session"
	CodeSignupClosed         = "signup_closed"
	CodeInvalidCredentials   = "invalid_credentials"
	CodeReconnectWrongTeam   = "reconnect_wrong_team"
	CodeInvitationInvalid    = "invitation_invalid"
	CodeConnectLinkInvalid   = "connect_link_invalid"
)

// problems are the texts people see, by code.
var problems = map[string]Problem{
	CodeAuthorizationDenied: {Title: "Authorization Denied",
		Detail: "DigitalOcean did not authorize Berth: Deny was clicked or the consent page was closed. Click Add Account again and click Authorize application."},
	CodeAuthorizationExpired: {Title: "Authorization expired",
		Detail: "The authorization took longer than 10 minutes to complete. Click Add Account and connect again."},
	CodeAuthorizationInvalid: {Title: "Authorization link not valid",
		Detail: "This authorization was already used or was never started here. Click Add Account and connect again."},
	CodeWrongSessionForOAuth: {Title: "Authorization started elsewhere",
		Detail: "This authorization was started by a different sign-in. Sign in as the person who clicked Add Account, or click Add Account again here."},
	CodeAuthorizationFailed: {Title: "Authorization failed",
		Detail: "DigitalOcean could not complete the authorization. Click Add Account and try again; if it keeps failing, check the application's settings at DigitalOcean."},
	CodeTokenExchangeFailed: {Title: "Token exchange failed",
		Detail: "DigitalOcean did not accept the authorization code (it may have expired or been used already). Click Add Account and authorize again."},
	CodeProviderUnreachable: {Title: "DigitalOcean unreachable",
		Detail: "Berth could not reach DigitalOcean, so nothing was changed. Check Berth's network access and DigitalOcean's status page, then try again."},
	CodeProviderRateLimited: {Title: "DigitalOcean rate limit reached",
		Detail: "DigitalOcean is limiting requests for this account right now. Wait a minute and try again."},
	CodeTokenRejected: {Title: "Token rejected",
		Detail: "DigitalOcean refused this API token. Check that it was copied whole and has not expired or been revoked, or create a new one under API > Tokens in DigitalOcean."},
	CodeTokensExpired: {Title: "Connection expired",
		Detail: "OAuth tokens expired and couldn't auto-refresh. Click Refresh to try again, or Reconnect to authorize Berth again."},
	CodeInsufficientScope: {Title: "Insufficient permissions",
		Detail: "Insufficient permissions: you need at least the Member role with write access in your DigitalOcean team."},
	CodeProviderRefused: {Title: "DigitalOcean refused the request",
		Detail: "DigitalOcean refused the request. Try again; if it keeps failing, contact DigitalOcean support with the request id."},
	CodeSignupClosed: {Title: "Sign-up is closed",
		Detail: "This Berth only lets the first visitor create an organization. Ask an admin of your organization for an invitation."},
	CodeReconnectWrongTeam: {Title: "Different DigitalOcean team",
		Detail: "You authorized a different DigitalOcean team than this account's, so nothing was changed. Click Reconnect again and pick the account's team on DigitalOcean's consent page."},
	CodeInvitationInvalid: {Title: "Invitation not valid",
		Detail: "This invitation link was already used, has expired (links work for 7 days) or is not complete. Ask an admin of the organization for a new one."},
	CodeConnectLinkInvalid: {Title: "Connect link not valid",
		Detail: "This connect link was already used, has expired (links work for 7 days) or is not complete. Ask whoever sent it for a new one."},
	CodeInvalidCredentials: {Title: "Sign-in failed",
		Detail: "The email or password is not right. Check both and try again."},
}

// NewProblem returns the problem for code, with cause kept for logs.
func NewProblem(code string, cause error) *Problem {
	p, ok := problems[code]
	if !ok {
		p = Problem{Title: "Something went wrong", Detail: "Try again; if it keeps failing, check Berth's log."}
	}
	p.Code, p.Err = code, cause
	return &p
}

// ProblemFor returns the problem for a known code, or nil; for messages carried in links.
func ProblemFor(code string) *Problem {
	if _, ok := problems[code]; !ok {
		return nil
	}
	return NewProblem(code, nil)
}

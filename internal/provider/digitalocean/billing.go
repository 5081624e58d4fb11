package digitalocean

import (
	"context"
	"fmt"

	"github.com/berth-dev/berth/internal/domain"
	"github.com/berth-dev/berth/internal/provider"
	"github.com/digitalocean/godo"
)

var _ provider.Billing = (*Client)(nil)

// Balance reads what the account owes (GET /v2/customers/my/balance).
func (c *Client) Balance(ctx context.Context, accessToken string) (domain.Balance, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return domain.Balance{}, fmt.Errorf("get balance: %w", err)
	}
	b, _, err := api.Balance.Get(ctx)
	if err != nil {
		return domain.Balance{}, translate(ctx, "get balance", err)
	}
	return domain.Balance{
		MonthToDateBalance: b.MonthToDateBalance, AccountBalance: b.AccountBalance,
		MonthToDateUsage: b.MonthToDateUsage, GeneratedAt: b.GeneratedAt,
	}, nil
}

// BillingHistory lists invoices, payments and credits (GET /v2/customers/my/billing_history).
func (c *Client) BillingHistory(ctx context.Context, accessToken string) ([]domain.BillingEntry, error) {
	api, err := c.godoClient(accessToken)
	if err != nil {
		return nil, fmt.Errorf("list billing history: %w", err)
	}
	return listAll(ctx, "list billing history", func(opt *godo.ListOptions) ([]godo.BillingHistoryEntry, *godo.Response, error) {
		h, resp, err := api.BillingHistory.List(ctx, opt)
		if err != nil {
			return nil, resp, err
		}
		return h.BillingHistory, resp, nil
	}, billingEntryFrom)
}

func billingEntryFrom(e godo.BillingHistoryEntry) domain.BillingEntry {
	out := domain.BillingEntry{Date: e.Date, Type: e.Type, Description: e.Description, Amount: e.Amount}
	if e.InvoiceID != nil {
		out.InvoiceID = *e.InvoiceID
	}
	if e.InvoiceUUID != nil {
		out.InvoiceUUID = *e.InvoiceUUID
	}
	return out
}

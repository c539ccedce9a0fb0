"""Payments service: plot rent invoices, Paystack payments, webhooks and payouts."""

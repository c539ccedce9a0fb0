"""Plots service: sites, plots, tenants, tenancies, the waiting list and inspections."""

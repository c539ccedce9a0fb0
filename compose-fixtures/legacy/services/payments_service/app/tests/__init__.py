"""Tests of the payments service (Paystack is faked; nothing leaves the machine)."""

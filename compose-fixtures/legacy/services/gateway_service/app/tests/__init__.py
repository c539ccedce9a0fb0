"""Tests of the gateway; downstream services are stubbed with httpx.MockTransport."""

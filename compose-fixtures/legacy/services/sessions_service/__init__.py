"""Sessions service: work-party sessions, their weekly templates and member bookings."""

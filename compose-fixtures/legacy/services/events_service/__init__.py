"""Events service: open days, work parties and shows, with registrations."""

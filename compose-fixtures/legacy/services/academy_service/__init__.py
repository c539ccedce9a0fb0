"""Academy service: programs, cohorts, enrolments, coaching and the curriculum."""

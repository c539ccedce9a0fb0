"""Communications service: notice board announcements, notifications, email and messages."""

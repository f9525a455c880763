"""Stand-ins for outside services, served for real on the loopback interface."""

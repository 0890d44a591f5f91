"""Small programs the benchmark runs in fresh processes, each printing one JSON line."""

"""Deployment: the plan language (plan), the suite as a plan (suite), the journaled engine that
runs a plan on real networks (engine), and the feed checks before it sends (feeds)."""

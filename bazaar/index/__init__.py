"""The index: the suite's events in SQL (SQLite by default, PostgreSQL given a URL), so that
orders, listings and earnings are found by query instead of by scanning logs.

schema.py holds the tables and their migrations, indexer.py follows the chain into them,
queries.py answers the questions of `bazaar orders`, `bazaar listings` and the keeper.
"""

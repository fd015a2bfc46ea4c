"""The storefront server (`bazaar serve`): a JSON read API over the index on loopback, and the
content-addressed catalogue (bazaar/catalogue.py) with signed uploads, stored in the index
database.

app.py holds the aiohttp application, its error handler and `serve`; reads.py the read API;
uploads.py the signed uploads and the stored bytes; common.py what the handlers share
(settings, the rate limit, answers, parameters); store.py the catalogue's store and the
listings joined with their documents; follow.py the thread that keeps the index following the
chain (and drops unreferenced uploads) while the server runs.
"""

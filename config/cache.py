"""Django's Redis cache with one Redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object on every cache call (its
pool is shared, the client is not); on the pages served from the cache that
construction was a measurable share of each request (bench/bio_page.py). redis-py
clients are thread-safe over a pool, so one per pool is enough.
"""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class PooledClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            # Pools live as long as this object, so their ids stay theirs.
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledClientRedisCacheClient

    def get_many_with(self, keys, then) -> dict:
        """get_many, plus the commands `then(pipeline)` adds, in one round trip: for a hot
        path that reads the cache and writes something else to Redis (a page served
        from the cache deferring its page view). `then`'s results are not returned."""
        key_map = {self.make_and_validate_key(key): key for key in keys}
        pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
        pipeline.mget(list(key_map))
        then(pipeline)
        values = pipeline.execute()[0]
        loads = self._cache._serializer.loads
        return {
            key_map[made]: loads(value)
            for made, value in zip(key_map, values, strict=True)
            if value is not None
        }


def redis_client(alias: str = "default"):
    """The Redis client behind a cache alias, for the few commands the cache API lacks
    (lists, sets, pipelines). Keys written with it must still carry the schema: build
    them with `caches[alias].make_key(...)`."""
    return caches[alias]._cache.get_client(write=True)

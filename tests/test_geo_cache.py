"""The disk cache of what is derived from the boundary layers: named by what it is made from, so a
changed layer file never reuses an old entry; an unreadable entry is rebuilt, not trusted."""
import os
import shutil

import pytest

from cwd import geo_cache, paths


@pytest.fixture
def layers(tmp_path, monkeypatch):
    """A copy of the Podlaskie shapefiles in a folder of their own (the cache watches their stat)."""
    folder = tmp_path / "shapes"
    folder.mkdir()
    for f in paths.SHARED_GEO_DIR.glob("*_2180.*"):
        shutil.copy(f, folder / f.name)
    monkeypatch.setattr(geo_cache, "CACHE_DIR", tmp_path / "cache")
    return folder


def test_fingerprint_follows_the_files(layers):
    first = geo_cache.fingerprint("20", layers)
    assert first == geo_cache.fingerprint("20", layers)  # stable
    assert geo_cache.fingerprint("14", layers) != first  # another voivodeship
    dbf = next(layers.glob("gminy*.dbf"))  # a companion file of the shapefile counts too
    st = dbf.stat()
    os.utime(dbf, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert geo_cache.fingerprint("20", layers) != first


def test_no_layers_no_cache(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(paths, "SHAPES_DIR", empty)
    monkeypatch.setattr(paths, "SHARED_GEO_DIR", empty)
    assert geo_cache.fingerprint("20", empty) is None
    geo_cache.save("x", None, {"a": 1})  # nothing to name it by: not written
    assert geo_cache.load("x", None) is None


def test_round_trip_and_unreadable_entries(layers):
    key = geo_cache.fingerprint("20", layers)
    assert geo_cache.load("adjacency", key) is None
    geo_cache.save("adjacency", key, {"2001011": frozenset({"2001022"})})
    assert geo_cache.load("adjacency", key) == {"2001011": frozenset({"2001022"})}
    (geo_cache.CACHE_DIR / f"adjacency-{key}.pickle").write_bytes(b"not a pickle")
    assert geo_cache.load("adjacency", key) is None  # rebuilt by the caller, never half-trusted
    assert not list(geo_cache.CACHE_DIR.glob(".*.tmp"))  # no temporary files left behind

from tests.test_app import hermetic, fake_map, server, new_app
import tests.test_app as T
import pytest
def test_dbg(new_app, fake_map):
    at = T.start(new_app())
    print(len(fake_map.calls), T.feature_values(fake_map.last, "partnerstwo_id"))
    at.sidebar.multiselect(key="w_statusy").set_value(["nie spełnia"]).run()
    print(len(fake_map.calls), [T.feature_values(c[0], "partnerstwo_id") for c in fake_map.calls], at.metric[0].value)
    print([sorted({f["properties"].get("ps") for f in T.features(c[0], "n")})[:5] for c in fake_map.calls])

"""The shipped deployment: the app listens on 127.0.0.1 by default, and the reverse-proxy example
parses and carries TLS, the security headers and WebSocket forwarding to loopback upstreams."""
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_nginx(text: str) -> list:
    """nginx configuration as nested (directive, args, block) tuples; raises on unbalanced braces or
    a directive without ';' (a small parser of nginx's token grammar: words, quoted strings, ; { })."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};]+', re.sub(r"#[^\n]*", "", text))
    pos = 0

    def block(nested: bool = False) -> list:
        nonlocal pos
        out, words = [], []
        while pos < len(tokens):
            tok = tokens[pos]
            pos += 1
            if tok == ";":
                out.append((words[0], words[1:], None))
                words = []
            elif tok == "{":
                out.append((words[0], words[1:], block(nested=True)))
                words = []
            elif tok == "}":
                assert nested, "'}' without '{'"
                assert not words, f"directive without ';' before '}}': {words}"
                return out
            else:
                words.append(tok.strip("\"'"))
        assert not words, f"unterminated directive: {words}"
        assert not nested, "a block is not closed"
        return out

    tree = block()
    assert pos == len(tokens), "unbalanced braces"
    return tree


def find(tree, name):
    return [d for d in tree if d[0] == name]


def test_app_listens_on_loopback_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def test_reverse_proxy_example_is_complete():
    tree = parse_nginx((ROOT / "deploy" / "nginx-cwd.conf").read_text(encoding="utf-8"))
    [upstream] = find(tree, "upstream")
    backends = [args[0] for name, args, _ in upstream[2] if name == "server"]
    assert backends and all(b.startswith("127.0.0.1:") for b in backends)  # the app stays on loopback
    assert find(upstream[2], "ip_hash")  # a Streamlit session lives in one process
    servers = find(tree, "server")
    tls = [s for s in servers if any(args[:1] == ["443"] for name, args, _ in s[2] if name == "listen")]
    assert len(tls) == 1
    body = tls[0][2]
    assert find(body, "ssl_certificate") and find(body, "ssl_certificate_key")
    headers = {args[0].lower(): args[1] for name, args, _ in body if name == "add_header"}
    assert headers["x-frame-options"] == "SAMEORIGIN"  # our own component frames keep working
    assert "max-age=" in headers["strict-transport-security"]
    assert headers["x-content-type-options"] == "nosniff"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    [location] = [d for d in body if d[0] == "location" and d[1] == ["/"]]
    proxied = {name: args for name, args, _ in location[2]}
    assert proxied["proxy_pass"] == ["http://cwd_app"]
    set_headers = {args[0].lower(): args[1] for name, args, _ in location[2] if name == "proxy_set_header"}
    assert set_headers["upgrade"] == "$http_upgrade" and set_headers["connection"] == "$connection_upgrade"
    plain = [s for s in servers if s is not tls[0]]
    assert plain and find(plain[0][2], "return")[0][1][0] == "301"  # http goes to https


def test_parser_rejects_broken_configuration():
    import pytest

    with pytest.raises(AssertionError):
        parse_nginx("server { listen 80 }")
    with pytest.raises(AssertionError):
        parse_nginx("server { listen 80; ")

"""A source URL's secrets: masked wherever the URL is shown or stored, left out of the sync state's key, and
taken from an environment variable or a file rather than the command line.

Masked in every form a URL carries them: the password of `user:password@host`, and the value of every query
parameter that names a credential (`?password=`, `sslpassword`, `token`, `secret`, `api_key`, …). Masking works
on the text, so a URL SQLAlchemy cannot parse (a bad driver name) is masked in its error message too.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

import settings

MASK = "***"
# A query parameter whose name contains one of these words holds a credential.
CREDENTIAL_WORDS = ("pass", "pwd", "secret", "token", "key", "credential", "auth", "signature")
_USERINFO = re.compile(r"(?P<head>^[^:/?#]+://[^:@/?#]*):(?P<secret>[^@/?#]*)@")
_PARAM = re.compile(r"(?P<head>[?&;](?P<name>[^=&;#]+)=)(?P<value>[^&;#]*)")


def is_credential(name: str) -> bool:
    """Return whether a query parameter named `name` carries a credential."""
    lowered = name.lower()
    return any(word in lowered for word in CREDENTIAL_WORDS)


def mask(text: str) -> str:
    """Return `text` (a URL, or a message quoting one) with the password and every credential parameter as ***."""
    masked = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", text)
    return _PARAM.sub(lambda m: m["head"] + (MASK if is_credential(m["name"]) else m["value"]), masked)


def state_key(url: sa.engine.URL) -> str:
    """Return what names the source in the sync state: driver, host, port, database and the parameters that are
    not credentials; no user name and no password, so changing only the credentials keeps the watermarks."""
    query = "&".join(f"{k}={quote(str(v))}" for k, v in sorted(url.query.items()) if not is_credential(k))
    port = f":{url.port}" if url.port else ""
    return f"{url.drivername}://{url.host or ''}{port}/{url.database or ''}" + (f"?{query}" if query else "")


def with_password(url: sa.engine.URL) -> sa.engine.URL:
    """Return `url` with the password of the `source_password` setting, or read from the file the
    `source_password_file` setting names (its first line), when the URL has none."""
    if url.password:
        return url
    password = settings.get("source_password")
    file = settings.get("source_password_file")
    if not password and file:
        lines = Path(file).read_text(encoding="utf-8").splitlines()
        password = lines[0] if lines else ""
    return url.set(password=password) if password else url

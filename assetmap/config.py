"""Settings from the environment, with safe defaults.

Every setting is an ``ASSETMAP_*`` environment variable; README's configuration table
lists them. ``Config.from_env()`` reads them once; tests build a ``Config`` directly.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

APPENDFSYNC_CHOICES = ("always", "everysec", "no")


class ConfigError(ValueError):
    """A setting has a value assetmap cannot use."""


#: OpenStreetMap's standard tiles (https://operations.osmfoundation.org/policies/tiles/)
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def _number(env: dict[str, str] | os._Environ, name: str, default: float) -> float:
    try:
        value = float(env.get(name, default))
    except ValueError:
        raise ConfigError(f"{name}: must be a number") from None
    if value < 0:
        raise ConfigError(f"{name}: must not be negative")
    return value


#: OWASP's argon2id settings (Password Storage Cheat Sheet), equal in strength:
#: (memory in KiB, passes), one lane; anything at least one of these is strong enough
OWASP_ARGON2ID = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))


@dataclass(frozen=True)
class PasswordHashing:
    """argon2id's cost: memory in KiB, passes and lanes. The default is OWASP's minimum
    (m=19456, t=2, p=1: 19 MiB, about 80 ms to hash on a 2-core machine)."""

    memory_kib: int = 19456
    time_cost: int = 2
    parallelism: int = 1

    @classmethod
    def parse(cls, text: str) -> PasswordHashing:
        """``m=65536,t=3,p=4`` (the PHC string's own spelling) into a setting.

        >>> PasswordHashing.parse("m=65536,t=3,p=4")
        PasswordHashing(memory_kib=65536, time_cost=3, parallelism=4)
        """
        names = {"m": "memory_kib", "t": "time_cost", "p": "parallelism"}
        try:
            given = dict(part.strip().split("=", 1) for part in text.split(",") if part.strip())
            values = {names[key.strip()]: int(value) for key, value in given.items()}
        except (KeyError, ValueError):
            raise ConfigError(
                f"ASSETMAP_ARGON2: write it as m=KiB,t=passes,p=lanes, not {text!r}") from None
        hashing = cls(**values)
        if min(hashing.time_cost, hashing.parallelism) < 1 or (
                hashing.memory_kib < 8 * hashing.parallelism):
            raise ConfigError("ASSETMAP_ARGON2: t and p must be at least 1, m at least 8 * p")
        return hashing

    def meets_owasp_minimum(self) -> bool:
        return any(self.memory_kib >= memory and self.time_cost >= passes
                   for memory, passes in OWASP_ARGON2ID)

    def __str__(self) -> str:
        return f"m={self.memory_kib},t={self.time_cost},p={self.parallelism}"


#: how mail reaches a server: STARTTLS on a plain connection, TLS from the start, or none
MAIL_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class MailSettings:
    """Where outgoing mail goes. ``backend`` "" keeps every message in the outbox (nothing
    is sent until a server is set); "smtp" hands it to an SMTP server; "file" writes it to
    ``folder`` (a demo, or a machine with no mail server yet)."""

    backend: str = ""
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    security: str = "starttls"
    folder: str = ""
    sender: str = ""
    timeout: float = 20.0

    @classmethod
    def parse(cls, env: dict[str, str] | os._Environ) -> MailSettings:
        """``ASSETMAP_SMTP_URL`` (``smtp://user:password@host:587``, ``smtps://...`` for TLS
        from the start, ``file:///folder``), or the same in ``ASSETMAP_SMTP_HOST``,
        ``_PORT``, ``_USER``, ``_PASSWORD`` and ``_TLS``; ``ASSETMAP_MAIL_FROM`` is the
        sender.

        >>> MailSettings.parse({"ASSETMAP_SMTP_URL": "smtps://ann:p%40ss@mail.example:465",
        ...                     "ASSETMAP_MAIL_FROM": "assetmap@example.org"}).security
        'ssl'
        """
        from urllib.parse import unquote, urlsplit

        url = env.get("ASSETMAP_SMTP_URL", "").strip()
        sender = env.get("ASSETMAP_MAIL_FROM", "").strip()
        security = env.get("ASSETMAP_SMTP_TLS", "").strip().lower()
        timeout = _number(env, "ASSETMAP_SMTP_TIMEOUT", 20.0)
        if url:
            parts = urlsplit(url)
            if parts.scheme == "file":
                return cls(backend="file", folder=unquote(parts.path), sender=sender,
                           timeout=timeout)
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ConfigError("ASSETMAP_SMTP_URL: an address like smtp://user:password@"
                                  "mail.example.org:587, smtps://... or file:///folder, "
                                  f"not {url.split('@')[-1]!r}")
            try:
                port = parts.port
            except ValueError:
                raise ConfigError("ASSETMAP_SMTP_URL: its port must be a number") from None
            security = "ssl" if parts.scheme == "smtps" else (security or "starttls")
            settings = cls(backend="smtp", host=parts.hostname,
                           port=port or (465 if security == "ssl" else 587),
                           username=unquote(parts.username or ""),
                           password=unquote(parts.password or ""), security=security,
                           sender=sender, timeout=timeout)
        elif host := env.get("ASSETMAP_SMTP_HOST", "").strip():
            security = security or "starttls"
            settings = cls(backend="smtp", host=host,
                           port=int(_number(env, "ASSETMAP_SMTP_PORT",
                                            465 if security == "ssl" else 587)),
                           username=env.get("ASSETMAP_SMTP_USER", ""),
                           password=env.get("ASSETMAP_SMTP_PASSWORD", ""), security=security,
                           sender=sender, timeout=timeout)
        else:
            return cls(sender=sender, timeout=timeout)
        if settings.security not in MAIL_SECURITY:
            raise ConfigError(f"ASSETMAP_SMTP_TLS: one of {', '.join(MAIL_SECURITY)}, "
                              f"not {settings.security!r}")
        return settings

    def check(self) -> None:
        if self.backend and "@" not in self.sender:
            raise ConfigError("ASSETMAP_MAIL_FROM: the address mail is sent from, e.g. "
                              "assetmap@example.org or 'Assetmap <assetmap@example.org>'")
        if self.backend == "file" and not self.folder.startswith("/"):
            raise ConfigError("ASSETMAP_SMTP_URL: a file:/// address names a whole path")

    def __str__(self) -> str:
        """Where mail goes, without the password."""
        if self.backend == "smtp":
            who = f"{self.username}@" if self.username else ""
            return f"smtp://{who}{self.host}:{self.port} ({self.security})"
        return f"file://{self.folder}" if self.backend == "file" else "nowhere"


@dataclass(frozen=True)
class Config:
    instance_path: Path = Path("instance")
    graph_url: str = ""
    graph_name: str = "assetmap"
    appendfsync: str = "always"
    neo4j_user: str = "neo4j"
    neo4j_password: str = field(default="", repr=False)
    neo4j_database: str | None = None
    neo4j_retry_seconds: float = 10.0
    secret_key: str = field(default="", repr=False)
    testing: bool = False
    #: records not changed for this many days are listed for review
    retention_days: int = 730
    #: served over HTTPS (behind a TLS proxy): cookies are Secure and HSTS is sent
    https: bool = False
    #: a signed-in session ends after this many idle minutes, and this many hours in all
    idle_minutes: float = 30.0
    session_hours: float = 12.0
    #: a Redis URL for rate-limit counters (default: the embedded or FalkorDB server)
    ratelimit_storage: str = ""
    #: sign-in attempts allowed from one address a minute
    signin_per_minute: int = 30
    #: public forms (report a change, claim a listing) one address may send an hour
    public_forms_per_hour: int = 10
    #: where the app is published (``https://assetmap.example.org``): the API's links
    #: start with it; unset, they are paths on the same site (never the request's Host)
    base_url: str = ""
    #: how many proxies in front of the app to believe about the client's address and
    #: scheme (X-Forwarded-For, X-Forwarded-Proto): 1 behind one TLS proxy, 0 when none
    trusted_proxies: int = 0
    #: the maps' tile server ({z}/{x}/{y} template; "" for no tiles: the basemap drawn from
    #: our own boundaries and town names alone) and its attribution (HTML, shown on maps).
    #: OpenStreetMap's own servers are for light use only: a busy site sets its own.
    tiles_url: str = OSM_TILES
    tiles_attribution: str = ""
    #: argon2id's cost for staff passwords (never below OWASP's minimum outside tests)
    password_hashing: PasswordHashing = field(default_factory=PasswordHashing)
    #: outgoing mail (unset: messages wait in the outbox)
    mail: MailSettings = field(default_factory=MailSettings)
    #: a listing not confirmed for this many days "may be out of date" and its provider is
    #: asked to confirm it; after ``hidden_after_days`` it leaves the public finder
    stale_after_days: int = 183
    hidden_after_days: int = 365

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        config = cls(
            instance_path=Path(env.get("ASSETMAP_INSTANCE", "instance")).absolute(),
            graph_url=env.get("ASSETMAP_GRAPH_URL", ""),
            graph_name=env.get("ASSETMAP_GRAPH_NAME", "assetmap"),
            appendfsync=env.get("ASSETMAP_APPENDFSYNC", "always"),
            neo4j_user=env.get("ASSETMAP_NEO4J_USER", "neo4j"),
            neo4j_password=env.get("ASSETMAP_NEO4J_PASSWORD", ""),
            neo4j_database=env.get("ASSETMAP_NEO4J_DATABASE") or None,
            neo4j_retry_seconds=_number(env, "ASSETMAP_NEO4J_RETRY_SECONDS", 10.0),
            secret_key=env.get("ASSETMAP_SECRET_KEY", ""),
            retention_days=int(_number(env, "ASSETMAP_RETENTION_DAYS", 730)),
            https=env.get("ASSETMAP_HTTPS", "").lower() in ("1", "true", "yes"),
            idle_minutes=_number(env, "ASSETMAP_IDLE_MINUTES", 30.0),
            session_hours=_number(env, "ASSETMAP_SESSION_HOURS", 12.0),
            ratelimit_storage=env.get("ASSETMAP_RATELIMIT_STORAGE", ""),
            signin_per_minute=max(1, int(_number(env, "ASSETMAP_SIGNIN_PER_MINUTE", 30))),
            public_forms_per_hour=max(1, int(_number(env, "ASSETMAP_PUBLIC_FORMS_PER_HOUR",
                                                     10))),
            trusted_proxies=int(_number(env, "ASSETMAP_TRUSTED_PROXIES", 0)),
            base_url=env.get("ASSETMAP_BASE_URL", "").rstrip("/"),
            tiles_url=env.get("ASSETMAP_TILES_URL", OSM_TILES).strip(),
            tiles_attribution=env.get("ASSETMAP_TILES_ATTRIBUTION", "").strip(),
            password_hashing=PasswordHashing.parse(env.get("ASSETMAP_ARGON2", "")
                                                   or str(PasswordHashing())),
            mail=MailSettings.parse(env),
            stale_after_days=int(_number(env, "ASSETMAP_STALE_AFTER_DAYS", 183)),
            hidden_after_days=int(_number(env, "ASSETMAP_HIDDEN_AFTER_DAYS", 365)),
        )
        config.check()
        return config

    def with_changes(self, **changes: object) -> Config:
        config = replace(self, **changes)
        config.check()
        return config

    def check(self) -> None:
        if self.appendfsync not in APPENDFSYNC_CHOICES:
            raise ConfigError(
                f"ASSETMAP_APPENDFSYNC: must be one of {', '.join(APPENDFSYNC_CHOICES)}, "
                f"not {self.appendfsync!r}"
            )
        if not (self.testing or self.password_hashing.meets_owasp_minimum()):
            raise ConfigError(
                f"ASSETMAP_ARGON2: {self.password_hashing} is weaker than OWASP's minimum "
                "for argon2id (m=19456,t=2,p=1, or m=47104,t=1 / m=12288,t=3 / m=9216,t=4 / "
                "m=7168,t=5)")
        if self.base_url and not (self.base_url.startswith(("https://", "http://"))
                                  and "?" not in self.base_url and "#" not in self.base_url):
            raise ConfigError(f"ASSETMAP_BASE_URL: an address like https://assetmap.example"
                              f".org, not {self.base_url!r}")
        if self.tiles_url and not (self.tiles_url.startswith(("https://", "http://")) and all(
                part in self.tiles_url for part in ("{z}", "{x}", "{y}"))):
            raise ConfigError("ASSETMAP_TILES_URL: a tile address with {z}, {x} and {y}, like "
                              f"{OSM_TILES}, or empty for no tiles; not {self.tiles_url!r}")
        if self.tiles_url and self.tiles_url != OSM_TILES and not self.tiles_attribution:
            raise ConfigError("ASSETMAP_TILES_ATTRIBUTION: say whose tiles and data "
                              "ASSETMAP_TILES_URL shows (their licence asks for it)")
        self.mail.check()
        if not 1 <= self.stale_after_days < self.hidden_after_days:
            raise ConfigError("ASSETMAP_STALE_AFTER_DAYS must be at least 1 and less than "
                              "ASSETMAP_HIDDEN_AFTER_DAYS")
        if not self.graph_name.replace("_", "").replace("-", "").isalnum():
            raise ConfigError(
                "ASSETMAP_GRAPH_NAME: use only letters, digits, '-' and '_'"
            )

    @property
    def tiles_origin(self) -> str:
        """Where map tiles come from (scheme and host), for the pages' security policy;
        "" when there are none."""
        if not self.tiles_url:
            return ""
        scheme, _, rest = self.tiles_url.partition("://")
        host = rest.split("/", 1)[0].replace("{s}", "*")
        return f"{scheme}://{host}"

    @property
    def resolved_graph_url(self) -> str:
        """The graph URL, defaulting to the embedded server in the instance folder."""
        return self.graph_url or f"falkordb+embedded://{self.instance_path / 'graph'}"

    def private_instance(self) -> Path:
        """The instance folder, made if need be and readable by this user alone (0700),
        also when an earlier version made it open to others."""
        self.instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.instance_path.chmod(0o700)
        return self.instance_path

    def load_secret_key(self) -> str:
        """The Flask secret key: from the environment, else a random one kept in the instance.

        The generated key is written once with mode 0600 so sessions survive restarts
        and every worker process signs cookies with the same key.
        """
        return self.secret_key or self.instance_secret("secret_key")

    def instance_secret(self, name: str) -> str:
        """A random 256-bit secret (hex) kept in the instance folder as ``name``: made once,
        mode 0600, the same for every process from then on."""
        key_file = self.private_instance() / name
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return key_file.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        return key_file.read_text().strip()

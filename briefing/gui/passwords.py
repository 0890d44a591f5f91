"""Team database passwords: in the system keyring where one works, else kept for this session only;
never in the settings file."""

from __future__ import annotations

KEYRING_SERVICE = "Briefing team database"
_session: dict[str, str] = {}  # url (without password) -> password, when no keyring can hold it


def keyring_available() -> bool:
    """A usable keyring backend (not keyring's `fail` or `null` one, which hold nothing)."""
    try:
        import keyring
    except ImportError:
        return False
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keyring configuration is "no keyring", not a crash
        return False
    return float(getattr(backend, "priority", 0)) > 0


def store_session_only(url: str, password: str) -> None:
    _session[url] = password


def store(url: str, password: str) -> bool:
    """Remembers the password for `url`; True when the system keyring holds it, False when only
    this session does (no keyring, or it refused)."""
    _session[url] = password
    if not password or not keyring_available():
        return False
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, url, password)
    except KeyringError:
        return False
    return True


def lookup(url: str) -> str:
    """The password remembered for `url` ("" when none)."""
    if url in _session:
        return _session[url]
    if not keyring_available():
        return ""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, url) or ""
    except KeyringError:
        return ""


def forget_session() -> None:
    _session.clear()

"""An append-only copy of every checkpoint and anchor: syslog, off unless configured.

The files in ``JOINEDUP_HOME`` are as safe as that folder. A partnership that also wants
them where a local administrator cannot rewrite history sets ``JOINEDUP_AUDIT_SYSLOG`` to a
syslog receiver (a central log server, journald's ``/dev/log`` forwarded off the machine, a
WORM store behind a syslog relay); each signed checkpoint and anchor is then sent there as
one JSON line (facility ``authpriv``), with the standard library's ``SysLogHandler``.

Addresses: ``udp://host:port``, ``tcp://host:port``, ``unix:/path`` or a plain ``/path`` (a
local socket such as ``/dev/log``), or ``host:port`` (UDP).
"""

from __future__ import annotations

import json
import logging
import socket
from logging.handlers import SysLogHandler

from joinedup.common.errors import InputError

log = logging.getLogger("joinedup.audit")


class _Handler(SysLogHandler):
    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        log.warning("audit sink: could not send the record to syslog at %s", self.address)


def parse_address(spec: str) -> tuple[str | tuple[str, int], socket.SocketKind]:
    """``(address, socket type)`` for SysLogHandler from one of the documented forms."""
    text = spec.strip()
    kind = socket.SOCK_DGRAM
    if text.startswith("unix:"):
        return text.removeprefix("unix:"), kind
    if text.startswith("/"):
        return text, kind
    if text.startswith("tcp://"):
        kind, text = socket.SOCK_STREAM, text.removeprefix("tcp://")
    else:
        text = text.removeprefix("udp://")
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise InputError(
            f"JOINEDUP_AUDIT_SYSLOG={spec!r}: give udp://host:port, tcp://host:port, "
            "unix:/path or /path"
        )
    return (host.strip("[]"), int(port)), kind


class SyslogSink:
    """Sends signed checkpoints and anchors to a syslog receiver (best effort: a failure is
    logged as a warning and never stops the command)."""

    def __init__(self, spec: str) -> None:
        self.address, self._kind = parse_address(spec)
        self._handler: SysLogHandler | None = None

    def _connect(self) -> SysLogHandler:
        if self._handler is None:
            handler = _Handler(
                address=self.address, facility=SysLogHandler.LOG_AUTHPRIV, socktype=self._kind
            )
            handler.ident = "joinedup-audit: "
            self._handler = handler
        return self._handler

    def send(self, kind: str, body: dict[str, object]) -> None:
        """Send one record as a JSON line."""
        line = json.dumps({"record": kind, **body}, sort_keys=True, separators=(",", ":"))
        try:
            handler = self._connect()
        except OSError as exc:
            log.warning("audit sink: syslog at %s is unreachable (%s)", self.address, exc)
            return
        handler.emit(
            logging.LogRecord("joinedup.audit", logging.INFO, __file__, 0, line, None, None)
        )

    def close(self) -> None:
        """Close the connection, if any."""
        if self._handler is not None:
            self._handler.close()
            self._handler = None


def sink_from(spec: str | None) -> SyslogSink | None:
    """The configured sink, or None when ``spec`` is empty (the default: off)."""
    return SyslogSink(spec) if spec and spec.strip() else None

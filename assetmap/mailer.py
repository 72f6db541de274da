"""Hand the outbox's messages to the mail server (flask-mailman over SMTP), or write them to
a folder. Services write messages into the outbox (:mod:`assetmap.services.mail`); this is
the one place that sends them, for the web app (just after a message is queued) and for
``assetmap mail send-pending`` (a timer's retry of what the server did not take).
"""

from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from flask import Flask
from flask_mailman import EmailMultiAlternatives, Mail

from assetmap.config import MailSettings
from assetmap.services import mail as outbox

if TYPE_CHECKING:
    from assetmap.graph.store import GraphStore

#: what the server says when it will never take a message (a bad address): not retried
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


@dataclass(frozen=True)
class Delivery:
    """What one run of the sender did."""

    sent: int = 0
    waiting: int = 0  # tried and not taken: to be tried again
    given_up: int = 0
    #: why the server did not take a message, the last time it did not
    error: str = ""


@cache
def _mail_app(settings: MailSettings) -> Flask:
    """A Flask app of its own holding flask-mailman's settings, so the command line sends
    as the web app does without loading the web app."""
    app = Flask("assetmap.mailer")
    backend = {"smtp": "smtp", "file": "file"}[settings.backend]
    app.config.update(
        MAIL_BACKEND=backend, MAIL_SERVER=settings.host, MAIL_PORT=settings.port,
        MAIL_USERNAME=settings.username or None, MAIL_PASSWORD=settings.password or None,
        MAIL_USE_TLS=settings.security == "starttls", MAIL_USE_SSL=settings.security == "ssl",
        MAIL_TIMEOUT=settings.timeout, MAIL_DEFAULT_SENDER=settings.sender,
        MAIL_FILE_PATH=settings.folder or None)
    Mail(app)
    return app


def deliver(store: GraphStore, settings: MailSettings, limit: int = 500,
            only: str | None = None) -> Delivery:
    """Send the waiting messages that are due (or just ``only``). A server that cannot be
    reached ends the run: its messages wait for the next. Nothing is sent when no server
    is set (``settings.backend`` "")."""
    if not settings.backend:
        return Delivery(waiting=outbox.waiting(store))
    app = _mail_app(settings)
    sent = waiting = given_up = 0
    error = ""
    with app.app_context():
        connection = app.extensions["mailman"].get_connection()
        try:
            for message in outbox.claim_due(store, limit, only):
                letter = EmailMultiAlternatives(
                    message["subject"], message["text"], settings.sender, [message["to"]],
                    connection=connection,
                    headers={"Content-Language": message["language"].replace("+", ", "),
                             "Auto-Submitted": "auto-generated"})
                letter.attach_alternative(message["html"], "text/html")
                try:
                    letter.send()
                except REFUSED as exc:
                    error = _why(exc)
                    outbox.not_sent(store, message, error, permanent=True)
                    given_up += 1
                except (OSError, smtplib.SMTPException) as exc:
                    error = _why(exc)
                    if outbox.not_sent(store, message, error):
                        waiting += 1
                    else:
                        given_up += 1
                    break  # the server is away: the rest wait for the next run
                else:
                    outbox.sent(store, message)
                    sent += 1
        finally:
            connection.close()
    return Delivery(sent, waiting, given_up, error)


def _why(exc: Exception) -> str:
    """The server's refusal or the connection's failure, in one line without secrets."""
    return f"{type(exc).__name__}: {exc}"[:300]


def deliver_soon(store: GraphStore, settings: MailSettings, mail_id: str,
                 wait: bool = False) -> None:
    """Send one just-queued message now, beside the request that queued it (``wait``:
    before returning, as tests ask); if the server is away it waits in the outbox."""
    if not settings.backend:
        return
    worker = threading.Thread(target=deliver, args=(store, settings), daemon=True,
                              kwargs={"only": mail_id}, name="assetmap-mail")
    worker.start()
    if wait:
        worker.join()
